/*
 * Region picker: progressive enhancement for <input data-region-picker> holding a division code.
 *
 * Without JavaScript the field stays a plain text input for the code. With it, the field is
 * hidden (its value is still submitted) and replaced by:
 *   - the chosen region's name path ("湖北省 / 武汉市 / 江岸区"), announced politely;
 *   - a search box (name, pinyin initials "whs", full pinyin "wuhan", or a code prefix) that
 *     follows the ARIA 1.2 combobox pattern: role=combobox + aria-expanded/-controls/
 *     -activedescendant, a role=listbox popup, arrows/Home/End to move, Enter to choose,
 *     Escape to close;
 *   - a browse panel to walk down the tree: ancestors as breadcrumb buttons, children as buttons.
 *
 * Options (data attributes on the input):
 *   data-region-url="/regions"   where the JSON endpoints live
 *   data-region-within="42"      restrict search and browsing to a subtree
 *   data-region-max-level="3"    do not offer levels deeper than this (e.g. counties only)
 * The input fires "change" when the code changes. Plain script, no framework, no inline
 * code: works under CSP script-src 'self'. Load with <script src=... defer>.
 */
(function () {
  "use strict";

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

  function RegionPicker(input) {
    this.input = input;
    this.base = (input.getAttribute("data-region-url") || "/regions").replace(/\/$/, "");
    this.within = input.getAttribute("data-region-within") || "";
    this.maxLevel = parseInt(input.getAttribute("data-region-max-level") || "5", 10);
    this.id = "region-picker-" + (++counter);
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.build();
    this.show(input.value.trim());
  }

  RegionPicker.prototype.build = function () {
    var input = this.input;
    var label = input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
    this.root = el("div", { className: "region-picker" });
    this.path = el("p", { className: "region-picker__path", "aria-live": "polite", id: this.id + "-path" });
    this.search = el("input", {
      type: "text", role: "combobox", autocomplete: "off", spellcheck: "false",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": this.id + "-listbox",
      "aria-describedby": this.id + "-path", className: "region-picker__search",
      placeholder: "搜索地区：名称或拼音 / Search by name or pinyin"
    });
    if (label) {
      label.setAttribute("for", this.search.id = this.id + "-search");
    } else {
      this.search.setAttribute("aria-label", input.getAttribute("aria-label") || "地区 / Region");
    }
    this.listbox = el("ul", { role: "listbox", id: this.id + "-listbox", className: "region-picker__listbox" });
    this.listbox.hidden = true;
    this.browse = el("div", { className: "region-picker__browse", role: "group", "aria-label": "逐级选择 / Browse" });
    this.crumbs = el("div", { className: "region-picker__crumbs" });
    this.kids = el("div", { className: "region-picker__children" });
    this.browse.appendChild(this.crumbs);
    this.browse.appendChild(this.kids);
    this.root.appendChild(this.path);
    this.root.appendChild(this.search);
    this.root.appendChild(this.listbox);
    this.root.appendChild(this.browse);
    input.parentNode.insertBefore(this.root, input.nextSibling);
    input.type = "hidden";

    var self = this;
    this.search.addEventListener("input", function () { self.queue(); });
    this.search.addEventListener("keydown", function (event) { self.key(event); });
    this.search.addEventListener("blur", function () {
      setTimeout(function () { self.close(); }, 150);
    });
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) self.choose(self.options[parseInt(option.getAttribute("data-index"), 10)]);
    });
  };

  RegionPicker.prototype.queue = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.fetchOptions(); }, 180);
  };

  RegionPicker.prototype.fetchOptions = function () {
    var q = this.search.value.trim();
    if (this.controller) this.controller.abort();
    if (!q) { this.close(); return; }
    this.controller = typeof AbortController === "function" ? new AbortController() : null;
    var url = this.base + "/search?q=" + encodeURIComponent(q) +
      (this.within ? "&within=" + encodeURIComponent(this.within) : "");
    var self = this;
    getJSON(url, this.controller && this.controller.signal)
      .then(function (results) {
        self.render(results.filter(function (r) { return r.level <= self.maxLevel; }));
      })
      .catch(function (error) {
        if (error.name !== "AbortError") self.render([]);
      });
  };

  RegionPicker.prototype.render = function (results) {
    var self = this;
    this.options = results;
    this.active = -1;
    this.listbox.textContent = "";
    if (!results.length) {
      this.listbox.appendChild(el("li", { className: "region-picker__empty", "aria-disabled": "true" }, "没有匹配的地区 / No match"));
    }
    results.forEach(function (result, index) {
      var option = el("li", { role: "option", id: self.id + "-opt-" + index, "data-index": String(index), "aria-selected": "false" });
      option.appendChild(el("span", { className: "region-picker__name" }, result.name));
      option.appendChild(el("span", { className: "region-picker__where" }, " " + result.path_names));
      self.listbox.appendChild(option);
    });
    this.listbox.hidden = false;
    this.search.setAttribute("aria-expanded", "true");
  };

  RegionPicker.prototype.highlight = function (index) {
    var items = this.listbox.querySelectorAll('[role="option"]');
    if (!items.length) return;
    this.active = (index + items.length) % items.length;
    for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    this.search.setAttribute("aria-activedescendant", items[this.active].id);
    items[this.active].scrollIntoView({ block: "nearest" });
  };

  RegionPicker.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.search.setAttribute("aria-expanded", "false");
    this.search.removeAttribute("aria-activedescendant");
  };

  RegionPicker.prototype.key = function (event) {
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
        if (open && this.active >= 0) {
          event.preventDefault();
          this.choose(this.options[this.active]);
        }
        break;
      case "Escape":
        if (open) { event.preventDefault(); this.close(); } else { this.search.value = ""; }
        break;
    }
  };

  RegionPicker.prototype.choose = function (region) {
    if (!region) return;
    this.search.value = "";
    this.close();
    this.setValue(region.code);
    this.search.focus();
  };

  RegionPicker.prototype.setValue = function (code) {
    if (this.input.value !== code) {
      this.input.value = code;
      this.input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    this.show(code);
  };

  /* Show CODE's path, its ancestors as breadcrumbs and its children as buttons. */
  RegionPicker.prototype.show = function (code) {
    var self = this;
    if (!code) {
      this.path.textContent = "未选择地区 / No region chosen";
      this.renderCrumbs([]);
      this.loadChildren(this.within || "");
      return;
    }
    getJSON(this.base + "/" + encodeURIComponent(code))
      .then(function (region) {
        self.path.textContent = region.path_names;
        self.renderCrumbs(region.ancestors.concat([{ code: region.code, name: region.name, level: region.level }]));
        if (region.has_children && region.level < self.maxLevel) self.loadChildren(region.code);
        else self.kids.textContent = "";
        self.root.dispatchEvent(new CustomEvent("region-picker:shown", { bubbles: true, detail: region }));
      })
      .catch(function () {
        self.path.textContent = code + "（未知地区 / unknown region）";
        self.renderCrumbs([]);
        self.loadChildren(self.within || "");
      });
  };

  RegionPicker.prototype.renderCrumbs = function (chain) {
    var self = this;
    this.crumbs.textContent = "";
    var top = el("button", { type: "button", className: "region-picker__crumb" }, "全国 / All");
    top.addEventListener("click", function () { self.setValue(""); });
    this.crumbs.appendChild(top);
    chain.forEach(function (node) {
      if (self.within && node.code.length < self.within.length) return;
      self.crumbs.appendChild(document.createTextNode(" › "));
      var button = el("button", { type: "button", className: "region-picker__crumb" }, node.name);
      button.addEventListener("click", function () { self.setValue(node.code); });
      self.crumbs.appendChild(button);
    });
    var clear = el("button", { type: "button", className: "region-picker__clear" }, "清除 / Clear");
    clear.addEventListener("click", function () { self.setValue(""); });
    if (chain.length) { this.crumbs.appendChild(document.createTextNode(" ")); this.crumbs.appendChild(clear); }
  };

  RegionPicker.prototype.loadChildren = function (code) {
    var self = this;
    var url = code ? this.base + "/" + encodeURIComponent(code) + "/children" : this.base + "/children";
    getJSON(url)
      .then(function (items) {
        self.kids.textContent = "";
        var list = el("ul", { className: "region-picker__child-list" });
        items.forEach(function (item) {
          if (item.level > self.maxLevel) return;
          var li = el("li");
          var button = el("button", { type: "button", "data-code": item.code }, item.name);
          button.addEventListener("click", function () { self.setValue(item.code); });
          li.appendChild(button);
          list.appendChild(li);
        });
        if (list.childNodes.length) self.kids.appendChild(list);
      })
      .catch(function () { self.kids.textContent = ""; });
  };

  /* Optional: <div data-region-map-for="INPUT-ID"> shows the chosen province's map when the
     vendored ECharts is loaded on the page (static/vendor/echarts/echarts.min.js). */
  function attachMap(container, picker) {
    if (!window.echarts) return;
    var maps = container.getAttribute("data-region-maps") || "/static/vendor/maps";
    var chart = window.echarts.init(container);
    var loaded = {};
    function draw(province, highlight) {
      var key = province || "00";
      var file = province ? province + ".json" : "china.json";
      var ready = loaded[key] ? Promise.resolve() : getJSON(maps + "/" + file).then(function (geo) {
        window.echarts.registerMap("region-" + key, geo);
        loaded[key] = true;
      });
      ready.then(function () {
        chart.setOption({
          tooltip: { trigger: "item", formatter: "{b}" },
          series: [{
            type: "map", map: "region-" + key, roam: true, selectedMode: "single",
            data: highlight ? [{ name: highlight, selected: true }] : []
          }]
        }, true);
      }).catch(function () { chart.clear(); });
    }
    picker.root.addEventListener("region-picker:shown", function (event) {
      var region = event.detail;
      var chain = region.ancestors.concat([region]);
      var province = chain[0].code;
      var municipality = ["11", "12", "31", "50"].indexOf(province) >= 0;
      var shown = chain.filter(function (n) { return n.level === (municipality ? 3 : 2); })[0];
      if (region.level === 1) draw("", region.name);
      else draw(province, shown ? shown.name : null);
    });
    if (!picker.input.value) draw("", null);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-region-picker]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].getAttribute("data-region-picker-ready")) continue;
      inputs[i].setAttribute("data-region-picker-ready", "1");
      var picker = new RegionPicker(inputs[i]);
      var id = inputs[i].id;
      var map = id ? document.querySelector('[data-region-map-for="' + id + '"]') : null;
      if (map) attachMap(map, picker);
    }
  }

  window.RegionPicker = RegionPicker;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
