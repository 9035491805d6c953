/*
 * Layout helpers every page loads (plain script, CSP script-src 'self', no framework):
 *  - the phone menu: the "Menu" button opens and closes the main navigation. Without
 *    JavaScript the navigation simply stays open (the html element keeps class "no-js").
 *  - tables as cards: below 600 px each .table row becomes a card, each cell labelled with
 *    its column header (copied here into data-label, which the CSS shows before the value).
 */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  function menu() {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (!button || !nav) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
      if (open) { var first = nav.querySelector("a, button"); if (first) first.focus(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("open");
        button.focus();
      }
    });
  }

  function labelCells() {
    var tables = document.querySelectorAll("table.table");
    for (var t = 0; t < tables.length; t++) {
      var heads = tables[t].querySelectorAll("thead th");
      if (!heads.length) continue;
      var names = [];
      for (var h = 0; h < heads.length; h++) names.push(heads[h].textContent.trim());
      var rows = tables[t].querySelectorAll("tbody tr");
      for (var r = 0; r < rows.length; r++) {
        var cells = rows[r].children;
        for (var c = 0; c < cells.length && c < names.length; c++) {
          if (!cells[c].hasAttribute("data-label")) cells[c].setAttribute("data-label", names[c]);
        }
      }
      tables[t].classList.add("table--cards");
    }
  }

  // The officials' section row scrolls sideways on a phone: show the current section.
  function currentSection() {
    var current = document.querySelector(".board-nav [aria-current]");
    if (current) {
      var row = current.closest("ul");
      row.scrollLeft = current.offsetLeft - row.offsetLeft - 16;
    }
  }

  function init() { menu(); labelCells(); currentSection(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
