// One-click apply: disable the button once pressed (the server is idempotent anyway).
(function () {
  "use strict";
  document.querySelectorAll(".apply-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
    });
  });
})();
