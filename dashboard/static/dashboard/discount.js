// Beside every discount input (data-percent-off: the share taken off, the API's one convention),
// show what it means: the resulting 折 and what a ¥100 order costs, updated as the merchant types.
(function () {
  "use strict";
  const zh = document.documentElement.lang.startsWith("zh");

  function explain(value) {
    const off = Number(value);
    if (value === "" || !Number.isInteger(off) || off < 0 || off > 99) return "";
    const paid = 100 - off;
    if (off === 0) return zh ? "原价 · ¥100 的订单付 ¥100.00" : "full price · a ¥100 order pays ¥100.00";
    const zhe = (paid / 10).toFixed(1).replace(/\.0$/, "");
    return zh
      ? `${zhe} 折 · ¥100 的订单付 ¥${paid.toFixed(2)}`
      : `${zhe} 折 (${paid}% paid) · a ¥100 order pays ¥${paid.toFixed(2)}`;
  }

  function attach(input) {
    if (input.dataset.explained) return;
    input.dataset.explained = "1";
    const note = document.createElement("small");
    note.className = "discount-explained";
    note.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", note);
    const update = () => { note.textContent = explain(input.value.trim()); };
    input.addEventListener("input", update);
    update();
  }

  function scan(root) {
    root.querySelectorAll("input[data-percent-off]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", () => scan(document));
  document.addEventListener("htmx:afterSwap", (event) => scan(event.target));
  // formset rows added by a script: watch for new inputs
  new MutationObserver(() => scan(document)).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
