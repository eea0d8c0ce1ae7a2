// Period pickers (forms marked data-autosubmit): choosing a period in the list shows it right away.
// Without JavaScript the form's own button does the same.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
