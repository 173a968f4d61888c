// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // GOV.UK behaviour: move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // Summary links: focus the field and scroll its label (not just the input) into view.
  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + input.id + "']") || input;
      var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
      (legend || label).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  });
})();
