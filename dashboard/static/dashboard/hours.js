// Shortcuts on the weekly hours form: a day closed, a day open all day, Monday copied to all.
(function () {
  "use strict";
  const form = document.getElementById("week-form");
  if (!form) return;
  const inputs = (fieldset) => Array.from(fieldset.querySelectorAll('input[type="time"]'));

  // A span closing at or before it opens ends the next day: marked 次日 as it is typed.
  function markNextDay() {
    form.querySelectorAll(".span-row").forEach((row) => {
      const [opens, closes] = inputs(row);
      const mark = row.querySelector(".next-day");
      if (!mark || !opens || !closes) return;
      const a = opens.value, b = closes.value;
      mark.hidden = !(a && b && b <= a && !(a === "00:00" && b === "00:00"));
    });
  }
  form.addEventListener("input", markNextDay);
  form.addEventListener("change", markNextDay);
  markNextDay();

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
    markNextDay();
  });
})();
