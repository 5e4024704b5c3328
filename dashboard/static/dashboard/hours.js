// Shortcuts on the weekly hours form: a day closed, a day open all day, Monday copied to all.
(function () {
  "use strict";
  const form = document.getElementById("week-form");
  if (!form) return;
  const inputs = (fieldset) => Array.from(fieldset.querySelectorAll('input[type="time"]'));

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const day = button.closest("fieldset.weekday");
    const action = button.dataset.action;
    if (action === "closed" || action === "all-day") {
      inputs(day).forEach((input) => { input.value = ""; });
      if (action === "all-day") inputs(day).slice(0, 2).forEach((input) => { input.value = "00:00"; });
    } else if (action === "copy-to-all") {
      const monday = inputs(day).map((input) => input.value);
      form.querySelectorAll("fieldset.weekday").forEach((other) => {
        inputs(other).forEach((input, index) => { input.value = monday[index] || ""; });
      });
    }
  });
})();
