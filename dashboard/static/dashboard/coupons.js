// The coupon designer shows only the fields of the chosen validity mode and audience (the
// benefit's: benefits.js); the others stay in the form (hidden) so the server still sees them.
(function () {
  "use strict";
  const form = document.getElementById("campaign-form");
  if (!form) return;
  const SHOWN = {
    validity: {
      fixed: ["valid_from", "valid_until"],
      relative: ["valid_days_after_issue"],
    },
    audience: {
      anyone: [],
      levels: ["levels"],
      customer_list: ["customer_phones"],
      segments: ["segments"],
    },
  };
  function show() {
    for (const [choice, shown] of Object.entries(SHOWN)) {
      const chosen = form.querySelector(`input[name="${choice}"]:checked`);
      const all = new Set(Object.values(shown).flat());
      const wanted = new Set(chosen ? shown[chosen.value] || [] : []);
      for (const name of all) {
        const box = form.querySelector(`.field-${name}`);
        // A field with an error stays visible: the owner must see what to fix.
        if (box) box.hidden = !wanted.has(name) && !box.querySelector(".field-error");
      }
    }
  }
  form.addEventListener("change", show);
  show();
})();
