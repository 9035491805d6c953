/*
 * Tree pickers: places (<input data-region-picker>) and occupations (<input data-occupation-picker>).
 *
 * The server renders a text input holding the NAME ("湖北省 武汉市 江岸区") and the chosen
 * code(s) in data-region-code / data-occupation-code; it accepts a typed name as well as a code,
 * so the page works without JavaScript and no code is ever shown or asked for. With this
 * script the input becomes hidden (it submits the code) and the person gets:
 *   - what is chosen, by full name (chips with a remove button when several may be chosen);
 *   - a type-ahead search box (names; for places also pinyin "wuhan" or initials "whs"), an
 *     ARIA 1.2 combobox: arrows/Home/End move, Enter chooses, Escape closes;
 *   - cascading selects, one per level (province → city → county → town → village, or the
 *     occupation groups), native controls that suit touch and keyboard alike.
 * Text is in the page's language only (<html lang>). Options (data attributes on the input):
 *   data-region-multiple      several values, comma-separated codes
 *   data-region-within="42"   places: only this subtree;  data-region-max-level="3": not deeper
 * Fires "change" on the input when the value changes. Plain script, CSP script-src 'self'.
 */
(function () {
  "use strict";

  var ZH = (document.documentElement.lang || "zh").toLowerCase().indexOf("zh") === 0;
  var TEXT = ZH ? {
    none: "未选择", search: "输入名称或拼音搜索", searchOccupation: "输入职业名称搜索",
    noMatch: "没有匹配项", remove: "移除", clear: "清除", browse: "逐级选择",
    any: "请选择", add: "添加",
    regionLevels: ["省", "市", "区县", "乡镇街道", "村社区"],
    occupationLevels: ["大类", "中类", "小类", "职业"]
  } : {
    none: "Nothing chosen", search: "Type a place name or pinyin", searchOccupation: "Type an occupation",
    noMatch: "No match", remove: "Remove", clear: "Clear", browse: "Choose level by level",
    any: "Choose", add: "Add",
    regionLevels: ["Province", "City", "County", "Town", "Village"],
    occupationLevels: ["Major group", "Group", "Subgroup", "Occupation"]
  };
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJSON(url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  /* As the server writes a full name: "湖北省 武汉市", or smallest place first in English. */
  function fullName(node) {
    var names = (node.path_names || node.name || "").split(" / ");
    return ZH ? names.join(" ") : names.reverse().join(", ");
  }

  /* KIND is "region" or "occupation": where the JSON lives and what the levels are called. */
  function TreePicker(input, kind) {
    this.input = input;
    this.kind = kind;
    this.base = kind === "region"
      ? (input.getAttribute("data-region-url") || "/regions").replace(/\/$/, "")
      : "/occupations";
    this.within = kind === "region" ? (input.getAttribute("data-region-within") || "") : "";
    this.maxLevel = parseInt(input.getAttribute("data-region-max-level") || "5", 10);
    this.multiple = input.hasAttribute("data-region-multiple");
    this.levels = kind === "region" ? TEXT.regionLevels : TEXT.occupationLevels;
    this.id = kind + "-picker-" + (++counter);
    this.chosen = [];   // [{code, name}] by full name
    this.options = [];
    this.active = -1;
    this.build();
    var codes = (input.getAttribute("data-" + kind + "-code") || "").split(",").filter(Boolean);
    this.load(codes);
  }

  TreePicker.prototype.build = function () {
    var input = this.input;
    var label = input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
    this.root = el("div", { className: "picker picker--" + this.kind });
    this.shown = el("div", { className: "picker__chosen", "aria-live": "polite", id: this.id + "-chosen" });
    var wrap = el("div", { className: "picker__search" });
    this.search = el("input", {
      type: "text", role: "combobox", autocomplete: "off", spellcheck: "false", id: this.id + "-search",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": this.id + "-listbox",
      "aria-describedby": this.id + "-chosen",
      placeholder: this.kind === "region" ? TEXT.search : TEXT.searchOccupation
    });
    if (label) label.setAttribute("for", this.search.id);
    else this.search.setAttribute("aria-label", input.getAttribute("aria-label") || TEXT.search);
    this.listbox = el("ul", { role: "listbox", id: this.id + "-listbox", className: "picker__list" });
    if (label) this.listbox.setAttribute("aria-labelledby", label.id || (label.id = this.id + "-label"));
    this.listbox.hidden = true;
    wrap.appendChild(this.search);
    wrap.appendChild(this.listbox);
    this.cascade = el("div", { className: "picker__levels", role: "group", "aria-label": TEXT.browse });
    this.root.appendChild(this.shown);
    this.root.appendChild(wrap);
    this.root.appendChild(this.cascade);
    input.parentNode.insertBefore(this.root, input.nextSibling);
    input.type = "hidden";
    input.removeAttribute("aria-invalid");

    var self = this;
    this.search.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.fetchOptions(); }, 150);
    });
    this.search.addEventListener("keydown", function (event) { self.key(event); });
    this.search.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) self.pick(self.options[parseInt(option.getAttribute("data-index"), 10)]);
    });
  };

  /* Initial value: look up each code's name and, for one value, open the cascade along it. */
  TreePicker.prototype.load = function (codes) {
    var self = this;
    Promise.all(codes.map(function (code) {
      return getJSON(self.base + "/" + encodeURIComponent(code)).catch(function () { return null; });
    })).then(function (nodes) {
      self.chosen = nodes.filter(Boolean).map(function (n) { return { code: n.code, name: self.label(n) }; });
      self.render();
      var last = nodes.filter(Boolean).pop();
      self.openCascade(!self.multiple && last ? last : null);
    });
  };

  TreePicker.prototype.render = function () {
    var self = this;
    this.shown.textContent = "";
    if (!this.chosen.length) {
      this.shown.appendChild(el("span", { className: "picker__none" }, TEXT.none));
    }
    this.chosen.forEach(function (item) {
      var chip = el("span", { className: "picker__chip" });
      chip.appendChild(el("span", {}, item.name));
      var remove = el("button", { type: "button", className: "picker__remove", "aria-label": TEXT.remove + " " + item.name }, "×");
      remove.addEventListener("click", function () { self.unset(item.code); });
      chip.appendChild(remove);
      self.shown.appendChild(chip);
    });
    var value = this.chosen.map(function (c) { return c.code; }).join(",");
    if (this.input.value !== value) {
      this.input.value = value;
      this.input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  /* A place by its full name (province to village); an occupation by its own name. */
  TreePicker.prototype.label = function (node) {
    return this.kind === "region" ? fullName(node) : node.name;
  };

  TreePicker.prototype.set = function (node) {
    var item = { code: node.code, name: this.label(node) };
    if (this.multiple) {
      if (!this.chosen.some(function (c) { return c.code === item.code; })) this.chosen.push(item);
    } else {
      this.chosen = [item];
    }
    this.render();
  };

  TreePicker.prototype.unset = function (code) {
    this.chosen = this.chosen.filter(function (c) { return c.code !== code; });
    this.render();
    if (!this.multiple) this.openCascade(null);
    this.search.focus();
  };

  /* Chosen from the search list: set it and show its place in the cascade. */
  TreePicker.prototype.pick = function (node) {
    if (!node) return;
    var self = this;
    this.search.value = "";
    this.close();
    this.set(node);
    getJSON(this.base + "/" + encodeURIComponent(node.code))
      .then(function (full) { self.openCascade(self.multiple ? null : full); })
      .catch(function () {});
    this.search.focus();
  };

  /* The cascade: one select per level down the chain of NODE (or just the top level). */
  TreePicker.prototype.openCascade = function (node) {
    var self = this;
    this.cascade.textContent = "";
    var chain = node ? node.ancestors.concat([node]) : [];
    if (this.within) chain = chain.filter(function (n) { return n.code.length > self.within.length; });
    var parents = [this.within || null].concat(chain.map(function (n) { return n.code; }));
    var depth = 0;
    function next() {
      if (depth >= parents.length) return;
      var parent = parents[depth];
      var selected = chain[depth] ? chain[depth].code : "";
      var index = depth;
      depth += 1;
      if (index > 0 && chain[index - 1] && chain[index - 1].has_children === false) return;
      self.addLevel(parent, selected).then(function (added) { if (added) next(); });
    }
    next();
  };

  TreePicker.prototype.addLevel = function (parent, selected) {
    var self = this;
    var url = parent ? this.base + "/" + encodeURIComponent(parent) + "/children" : this.base + "/children";
    return getJSON(url).then(function (items) {
      items = items.filter(function (i) { return i.level <= self.maxLevel; });
      if (!items.length) return false;
      var level = items[0].level;
      var name = self.levels[level - 1] || self.levels[self.levels.length - 1];
      var field = el("label", { className: "picker__level" });
      field.appendChild(el("span", { className: "picker__level-name" }, name));
      var select = el("select", { "data-level": String(level) });
      select.appendChild(el("option", { value: "" }, "— " + TEXT.any + " —"));
      items.forEach(function (item) {
        var option = el("option", { value: item.code }, item.name);
        option.dataset.children = item.has_children ? "1" : "";
        if (item.code === selected) option.selected = true;
        select.appendChild(option);
      });
      field.appendChild(select);
      self.cascade.appendChild(field);
      select.addEventListener("change", function () { self.levelChanged(select, parent); });
      return true;
    });
  };

  TreePicker.prototype.levelChanged = function (select, parent) {
    var self = this;
    var field = select.parentNode;
    while (field.nextSibling) this.cascade.removeChild(field.nextSibling);
    var code = select.value;
    if (!code) {
      if (!this.multiple) {
        if (parent && parent !== this.within) {
          getJSON(this.base + "/" + encodeURIComponent(parent)).then(function (node) { self.set(node); });
        } else {
          this.chosen = [];
          this.render();
        }
      }
      return;
    }
    var option = select.options[select.selectedIndex];
    getJSON(this.base + "/" + encodeURIComponent(code)).then(function (node) {
      if (!self.multiple) self.set(node);
      else self.addButton(field, node);
      if (option.dataset.children) self.addLevel(code, "");
    });
  };

  /* Several values: the cascade adds the place its last select shows. */
  TreePicker.prototype.addButton = function (field, node) {
    var self = this;
    var old = this.cascade.querySelector(".picker__add");
    if (old) old.parentNode.removeChild(old);
    var button = el("button", { type: "button", className: "button small secondary picker__add" }, TEXT.add + " " + node.name);
    button.addEventListener("click", function () {
      var selects = self.cascade.querySelectorAll("select");
      var deepest = null;
      for (var i = 0; i < selects.length; i++) if (selects[i].value) deepest = selects[i].value;
      if (!deepest) return;
      getJSON(self.base + "/" + encodeURIComponent(deepest)).then(function (n) { self.set(n); });
    });
    this.cascade.appendChild(button);
  };

  TreePicker.prototype.fetchOptions = function () {
    var q = this.search.value.trim();
    if (this.controller) this.controller.abort();
    if (!q) { this.close(); return; }
    this.controller = typeof AbortController === "function" ? new AbortController() : null;
    var url = this.base + "/search?q=" + encodeURIComponent(q) +
      (this.within ? "&within=" + encodeURIComponent(this.within) : "");
    var self = this;
    getJSON(url, this.controller && this.controller.signal)
      .then(function (results) {
        self.show(results.filter(function (r) { return r.level <= self.maxLevel; }));
      })
      .catch(function (error) { if (error.name !== "AbortError") self.show([]); });
  };

  TreePicker.prototype.show = function (results) {
    var self = this;
    this.options = results;
    this.active = -1;
    this.listbox.textContent = "";
    if (!results.length) this.listbox.appendChild(el("li", { className: "picker__empty", "aria-disabled": "true" }, TEXT.noMatch));
    results.forEach(function (result, index) {
      var option = el("li", { role: "option", id: self.id + "-opt-" + index, "data-index": String(index), "aria-selected": "false" });
      option.appendChild(el("span", { className: "picker__name" }, result.name));
      var where = fullName(result);
      if (where !== result.name) option.appendChild(el("span", { className: "picker__where" }, where));
      self.listbox.appendChild(option);
    });
    this.listbox.hidden = false;
    this.search.setAttribute("aria-expanded", "true");
  };

  TreePicker.prototype.highlight = function (index) {
    var items = this.listbox.querySelectorAll('[role="option"]');
    if (!items.length) return;
    this.active = (index + items.length) % items.length;
    for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    this.search.setAttribute("aria-activedescendant", items[this.active].id);
    items[this.active].scrollIntoView({ block: "nearest" });
  };

  TreePicker.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.search.setAttribute("aria-expanded", "false");
    this.search.removeAttribute("aria-activedescendant");
  };

  TreePicker.prototype.key = function (event) {
    var open = !this.listbox.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) { this.fetchOptions(); return; }
        this.highlight(this.active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) this.highlight(this.active < 0 ? -1 : this.active - 1);
        break;
      case "Home":
        if (open) { event.preventDefault(); this.highlight(0); }
        break;
      case "End":
        if (open) { event.preventDefault(); this.highlight(-1); }
        break;
      case "Enter":
        if (open) {
          event.preventDefault();  // never submit the form from the search box
          if (this.active < 0 && this.options.length === 1) this.active = 0;
          if (this.active >= 0) this.pick(this.options[this.active]);
        }
        break;
      case "Escape":
        if (open) { event.preventDefault(); this.close(); } else { this.search.value = ""; }
        break;
    }
  };

  function init() {
    var kinds = [["region", "input[data-region-picker]"], ["occupation", "input[data-occupation-picker]"]];
    kinds.forEach(function (kind) {
      var inputs = document.querySelectorAll(kind[1]);
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].getAttribute("data-picker-ready")) continue;
        inputs[i].setAttribute("data-picker-ready", "1");
        new TreePicker(inputs[i], kind[0]);
      }
    });
  }

  window.TreePicker = TreePicker;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
