// Résumé builder: "add another" copies a blank row in place instead of reloading the page.
// Without JavaScript the button posts the form back and the server adds the row.
(function () {
  "use strict";
  document.querySelectorAll("[data-entries]").forEach(function (section) {
    var button = section.querySelector('button[name="add"]');
    if (!button) { return; }
    button.addEventListener("click", function (event) {
      var rows = section.querySelectorAll("[data-entry]");
      if (!rows.length || rows.length >= 20) { return; }  // let the server handle it
      event.preventDefault();
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var index = rows.length;
      copy.querySelectorAll("input, select, textarea, label, p.error").forEach(function (el) {
        if (el.matches("p.error")) { el.remove(); return; }
        ["id", "name", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/-\d+-/, "-" + index + "-")); }
        });
        if (el.matches("input, textarea")) { el.value = ""; }
        if (el.matches("select")) { el.selectedIndex = 0; }
        el.removeAttribute("aria-invalid");
      });
      last.parentNode.insertBefore(copy, button);
      var first = copy.querySelector("input, textarea");
      if (first) { first.focus(); }
    });
  });
})();
