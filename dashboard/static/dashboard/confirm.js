// Buttons that cannot be taken back ask first. A submit button (or its form) with
// data-confirm shows that summary in the browser's confirmation; {name} in it is the value of
// the form's field of that name (a select's chosen text), {audience} the reach counted live.
(function () {
  "use strict";
  function valueOf(form, name) {
    if (name === "audience") {
      const count = document.getElementById("audience-count");
      return count ? count.dataset.count : "?";
    }
    const field = form.elements[name];
    if (!field) return "";
    if (field.tagName === "SELECT") return field.selectedOptions[0]?.textContent.trim() || "";
    return (field.value || "").trim();
  }
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const button = event.submitter;
      const template = (button && button.dataset.confirm) || form.dataset.confirm;
      if (!template) return;
      const text = template.replace(/\{(\w+)\}/g, (_, name) => valueOf(form, name));
      if (!window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
