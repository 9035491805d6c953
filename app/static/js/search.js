/*
 * Job search: progressive enhancement of the GET search form (the page works without it).
 *
 * - Autocomplete on <input data-suggest-url>: asks the JSON endpoint (?q=prefix; characters,
 *   pinyin "ruanjian" or initials "rjgc") and shows a listbox following the ARIA 1.2 combobox
 *   pattern (role=combobox, aria-expanded/-controls/-activedescendant; arrows, Enter, Escape).
 *   Choosing a suggestion fills the box and submits the form.
 * - Changing the sort order submits the form at once; so does ticking a filter on wide screens,
 *   where the filters are a sidebar (on phones they are a sheet: people tick several values,
 *   then press "Show results").
 * No framework, no inline code (CSP script-src 'self').
 */
(function () {
  "use strict";

  function Suggest(input) {
    this.input = input;
    this.url = input.getAttribute("data-suggest-url");
    this.id = input.id + "-suggestions";
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.list = document.createElement("ul");
    this.list.id = this.id;
    this.list.className = "suggest-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", input.getAttribute("placeholder") || "");
    this.list.hidden = true;
    input.parentNode.classList.add("has-suggest");
    input.parentNode.insertBefore(this.list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.id);
    input.addEventListener("input", this.schedule.bind(this));
    input.addEventListener("keydown", this.key.bind(this));
    input.addEventListener("blur", function () { setTimeout(this.close.bind(this), 150); }.bind(this));
  }

  Suggest.prototype.schedule = function () {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.fetch.bind(this), 150);
  };

  Suggest.prototype.fetch = function () {
    var prefix = this.input.value.trim();
    if (!prefix) { this.close(); return; }
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    var self = this;
    fetch(this.url + "?q=" + encodeURIComponent(prefix), {
      headers: { Accept: "application/json" }, credentials: "same-origin", signal: this.controller.signal
    }).then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { self.show(items); })
      .catch(function () { /* aborted or offline: keep the plain box */ });
  };

  Suggest.prototype.show = function (items) {
    this.items = items;
    this.active = -1;
    this.list.textContent = "";
    var self = this;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = self.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = item.text;
      li.addEventListener("mousedown", function (event) { event.preventDefault(); self.choose(i); });
      self.list.appendChild(li);
    });
    var open = items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Suggest.prototype.close = function () { this.show([]); };

  Suggest.prototype.move = function (step) {
    if (!this.items.length) return;
    var n = this.items.length;
    this.active = (this.active + step + n) % n;
    var options = this.list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    this.input.setAttribute("aria-activedescendant", options[this.active].id);
  };

  Suggest.prototype.choose = function (i) {
    this.input.value = this.items[i].text;
    this.close();
    if (this.input.form) this.input.form.submit();
  };

  Suggest.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown") { event.preventDefault(); if (open) this.move(1); else this.fetch(); }
    else if (event.key === "ArrowUp" && open) { event.preventDefault(); this.move(-1); }
    else if (event.key === "Enter" && open && this.active >= 0) { event.preventDefault(); this.choose(this.active); }
    else if (event.key === "Escape" && open) { event.preventDefault(); this.close(); }
  };

  document.querySelectorAll("input[data-suggest-url]").forEach(function (input) { new Suggest(input); });

  var sort = document.querySelector("#job-search select[name=sort]");
  if (sort) sort.addEventListener("change", function () { sort.form.submit(); });
  var sheet = document.getElementById("filters");
  var wide = window.matchMedia("(min-width: 960px)");
  if (sheet) sheet.addEventListener("change", function (event) {
    if (wide.matches && event.target.type === "checkbox") event.target.form.submit();
  });
})();
