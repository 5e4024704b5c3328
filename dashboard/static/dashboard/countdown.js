// Every <time class="countdown" data-deadline="ISO"> counts down to its deadline each second:
// "12:05" left, then "已超时" / "overdue" (the text of data-late-text) once it has passed.
(function () {
  "use strict";
  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.countdown[data-deadline]").forEach(function (el) {
      const left = Math.floor((new Date(el.dataset.deadline).getTime() - now) / 1000);
      if (isNaN(left)) return;
      if (left <= 0) {
        el.textContent = el.dataset.lateText || "00:00";
        el.classList.add("late");
        return;
      }
      const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      const pad = function (n) { return String(n).padStart(2, "0"); };
      el.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
      el.classList.toggle("late", left < 300);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:load", tick);
})();
