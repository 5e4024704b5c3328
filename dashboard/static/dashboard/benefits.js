// A form with the benefit fields (dashboard/_benefit_fields.html) shows only the fields of the
// chosen kind; the others stay in the form (hidden) so the server still sees what was typed.
// Which fields each kind shows comes from the server (coupons.benefits), not from here.
(function () {
  "use strict";
  const map = document.getElementById("benefit-shown");
  const form = map && map.closest("form");
  if (!form) return;
  const shown = JSON.parse(map.textContent);
  const all = new Set(Object.values(shown).flat());
  function show() {
    const chosen = form.querySelector('input[name="benefit_kind"]:checked');
    const wanted = new Set(chosen ? shown[chosen.value] || [] : []);
    for (const name of all) {
      const box = form.querySelector(`.field-${name}`);
      // A field with an error stays visible: the owner must see what to fix.
      if (box) box.hidden = !wanted.has(name) && !box.querySelector(".field-error");
    }
  }
  form.addEventListener("change", show);
  show();
})();
