// The inbox's new-order alert: #pending is polled by htmx; when it comes back with a newer
// order than the page has seen, show the alert and (once the user turned it on: browsers only
// play sound after a tap) beep with Web Audio, so no sound file is needed.
(function () {
  "use strict";
  let seen = Number((document.getElementById("pending") || {}).dataset?.latest || 0);
  let soundOn = false;
  let audio = null;
  const toggle = document.getElementById("sound-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      soundOn = !soundOn;
      if (soundOn && !audio && window.AudioContext) audio = new AudioContext();
      toggle.textContent = soundOn ? toggle.dataset.on : toggle.dataset.off;
      if (soundOn) beep();
    });
  }
  function beep() {
    if (!soundOn || !audio) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.4);
  }
  function check() {
    const pending = document.getElementById("pending");
    if (!pending) return;
    const latest = Number(pending.dataset.latest || 0);
    if (latest > seen) {
      document.getElementById("new-order-alert").hidden = false;
      document.title = "● " + document.title.replace(/^● /, "");
      window.__newOrderAlerts = (window.__newOrderAlerts || 0) + 1;
      beep();
    }
    seen = Math.max(seen, latest);
  }
  // An outerHTML swap replaces #pending itself: htmx:load fires for the new element.
  document.addEventListener("htmx:load", check);
  document.addEventListener("htmx:afterSwap", check);
})();
