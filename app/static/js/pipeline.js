// Pipeline enhancements: a "select all" box, and a count on the move button.
// Without this file the page works the same; every row has its own checkbox.
(function () {
  "use strict";
  var form = document.querySelector("[data-pipeline]");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="application_id"]:not([disabled])'));
  var head = form.querySelector("thead th");
  var button = form.querySelector(".bulk .button");
  var label = button ? button.textContent : "";
  function refresh() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (button) { button.textContent = n ? label + " (" + n + ")" : label; }
  }
  if (head && boxes.length) {
    var all = document.createElement("input");
    all.type = "checkbox";
    all.setAttribute("aria-label", head.textContent.trim());
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      refresh();
    });
    head.appendChild(all);
  }
  boxes.forEach(function (b) { b.addEventListener("change", refresh); });
})();

