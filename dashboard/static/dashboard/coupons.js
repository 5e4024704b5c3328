// The coupon designer shows only the fields of the chosen validity mode and audience (the
// benefit's follow its kind by themselves: choices.js).
(function () {
  "use strict";
  const form = document.getElementById("campaign-form");
  if (!form) return;
  window.fieldsFollowChoice(form, "validity", {
    fixed: ["valid_from", "valid_until"],
    relative: ["valid_days_after_issue"],
  });
  window.fieldsFollowChoice(form, "audience", {
    anyone: [],
    levels: ["levels"],
    customer_list: ["customer_phones"],
    segments: ["segments"],
  });
})();
