// A choice (radio buttons) shows only the fields that go with the chosen value; the others stay
// in the form (hidden) so the server still sees what was typed.
window.fieldsFollowChoice = function (form, choice, shown) {
  "use strict";
  const all = new Set(Object.values(shown).flat());
  function show() {
    const chosen = form.querySelector(`input[name="${choice}"]:checked`);
    const wanted = new Set(chosen ? shown[chosen.value] || [] : []);
    for (const name of all) {
      const box = form.querySelector(`.field-${name}`);
      // A field with an error stays visible: the owner must see what to fix.
      if (box) box.hidden = !wanted.has(name) && !box.querySelector(".field-error");
    }
  }
  form.addEventListener("change", show);
  show();
};

// The benefit fields (dashboard/_benefit_fields.html) follow the kind; which fields each kind
// shows comes from the server (coupons.benefits), not from here.
(function () {
  "use strict";
  const map = document.getElementById("benefit-shown");
  const form = map && map.closest("form");
  if (form) window.fieldsFollowChoice(form, "benefit_kind", JSON.parse(map.textContent));
})();
