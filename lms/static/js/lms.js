// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Put the keyboard focus on the first field with an error, so screen-reader users hear it.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("form[data-focus-error] [aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    }
  });
})();
