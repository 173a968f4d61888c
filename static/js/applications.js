// Applicant pages, progressive enhancement only: every form works as a plain POST without this.
(function () {
  "use strict";
  // Live amounts and autosave come from htmx; the "recalculate" button is for pages without it.
  if (window.htmx) {
    document.documentElement.classList.add("js");
  }
  // GOV.UK: the submit button disables after the first click (the idempotency key covers the rest).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        }, 0);
      });
    });
  });
})();
