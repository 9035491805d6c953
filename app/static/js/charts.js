/* Draws every [data-chart] element with ECharts from the JSON block next to it.
 * Progressive enhancement: the table under each chart already shows the same figures.
 * Maps are registered from GeoJSON served by our own static folder (no CDN); the county maps
 * are gzipped files the browser unpacks itself.
 *
 * Readability rules (app/dashboards/figures.py says which columns go on which axis):
 * - a rate has its own 0-100 % axis, never shared with a count;
 * - the legend is HTML under the title: it wraps on a phone instead of paging "1/3";
 * - every category is labelled in full, wrapped between words and never broken inside one:
 *   a bar chart whose names do not stand under their bars turns sideways, one row per
 *   category (on a phone also with more than four categories), never slanted and cut short;
 * - a week is labelled short ("Oct 26", "10月26日"; the table and the tooltip give the date);
 * - a treemap names a box only when the name fits it whole; the tooltip names every box.
 */
(function () {
  "use strict";
  if (!window.echarts) { return; }

  var NARROW = 600;
  var PALETTE = ["#1f5fa8", "#d9822b", "#2e8540", "#b3261e", "#6f42c1", "#5c6670"];

  function numeric(rows, col) {
    return rows.map(function (r) { return r[col] === null ? 0 : r[col]; });
  }

  /* The value axes: the chart's own, or one axis for every column after the label. */
  function axesOf(spec) {
    if (spec.axes && spec.axes.length) { return spec.axes; }
    var columns = [];
    for (var c = 1; c < spec.columns.length; c++) { columns.push(c); }
    return [{ title: "", columns: columns, percent: false }];
  }

  function valueAxis(axis, index) {
    var out = {
      type: "value", name: axis.title, nameTextStyle: { align: index ? "right" : "left" },
      splitLine: { show: index === 0 }
    };
    if (axis.percent) {
      out.min = 0; out.max = 100;
      out.axisLabel = { formatter: "{value}%" };
    }
    return out;
  }

  /* How wide TEXT is drawn in ECharts' default axis label font (12px sans-serif). */
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text) {
    measure.font = "12px sans-serif";
    return measure.measureText(text).width;
  }

  // A word ECharts keeps on one line (Latin letters, digits and what joins them); any other
  // character (a Chinese one, a space, a comma) is a place to break.
  var TOKENS = /[A-Za-z0-9\u00c0-\u024f'’().%\u2013\u2014-]+|./g;

  /* How TEXT wraps at WIDTH as ECharts wraps a label (overflow "break"): its number of lines,
   * and its widest word (which, wider than WIDTH, would be broken inside). */
  function wrap(text, width) {
    var lines = 1;
    var line = 0;
    var word = 0;
    (String(text).match(TOKENS) || []).forEach(function (token) {
      var w = textWidth(token);
      if (token === " ") {
        if (line) { line += w; }
        return;
      }
      word = Math.max(word, w);
      if (line && line + w > width) { lines++; line = 0; }
      line += w;
      while (line > width) { lines++; line -= width; }
    });
    return { lines: lines, word: word };
  }

  function most(values) { return Math.max.apply(null, values.concat([0])); }

  /* Every bar's category is labelled (interval 0: ECharts otherwise drops the labels it finds too
   * close together, which on a phone left a chart of three industries with one name), in full,
   * wrapped between words. A bar chart whose names do not fit under their bars turns sideways:
   * one row per category, the name beside it in up to 40 % of the width, each row as tall as
   * the longest name's lines. On a phone that is any name wider than its bars, or more than four
   * categories; on a wider screen a word wider than its bars (it would be broken inside), or a
   * name that needs more than one line among more than six categories, or more than two lines
   * among fewer (slanted instead, a name such as "信息传输、软件和信息技术服务业" had to be
   * cut). A line's weeks stand on one line each, short; where they crowd ECharts skips some.
   * The axis says each row's label (a day short); the tooltip names the row (its date). */
  function cartesian(el, spec) {
    var categories = spec.rows.map(function (r) { return String(r[0]); });
    var labels = spec.labels || categories;
    var label = function (value, index) { return labels[index]; };
    var axes = axesOf(spec);
    // The card's width: the canvas itself is not laid out (display: none) until drawn.
    var width = el.parentNode.clientWidth;
    var widest = most(labels.map(textWidth));
    var band = (width - 64) / Math.max(1, categories.length);  // less the value axis
    var under = band - 8;  // the width a name has under its bars
    var wrapped = labels.map(function (c) { return wrap(c, under); });
    var sideways = spec.kind === "bar" && (width < NARROW
      ? categories.length > 4 || widest > under
      : most(wrapped.map(function (w) { return w.word; })) > under ||
        most(wrapped.map(function (w) { return w.lines; })) > (categories.length > 6 ? 1 : 2));
    var series = [];
    axes.forEach(function (axis, a) {
      axis.columns.forEach(function (c) {
        var s = { name: spec.columns[c], type: spec.kind, data: numeric(spec.rows, c) };
        s[sideways ? "xAxisIndex" : "yAxisIndex"] = a;
        if (spec.kind === "line") { s.connectNulls = true; }
        series.push(s);
      });
    });
    var values = axes.map(valueAxis);
    var category = { type: "category", data: categories };
    var grid = { left: 8, right: 16, top: 32, bottom: 8, containLabel: true };
    if (sideways) {
      // ECharts adds up a name's characters one by one, a few pixels more than the whole.
      var labelWidth = Math.min(Math.ceil(widest) + 8, Math.round(width * 0.4));
      var lines = most(labels.map(function (c) { return wrap(c, labelWidth).lines; }));
      category.axisLabel = {
        interval: 0, width: labelWidth, overflow: "break", lineHeight: 14, formatter: label
      };
      // One row per category, the first at the top, tall enough for its name and its bars;
      // the canvas grows to fit them.
      var row = Math.max(22 * Math.max(1, series.length / 2), lines * 14 + 10);
      category.inverse = true;
      el.style.height = Math.max(240, 80 + categories.length * row) + "px";
      // The value axis's title under its figures (the second axis's over the chart), not at
      // its end, where it stood on the last bar.
      values.forEach(function (v) { v.nameLocation = "middle"; v.nameGap = 30; v.nameTextStyle = {}; });
      grid.bottom = 28;
      grid.top = values.length > 1 ? 48 : 8;
    } else if (spec.kind === "line") {
      category.axisLabel = { interval: "auto", hideOverlap: true, formatter: label };
    } else {
      // Under its own bars, wrapped to their width.
      category.axisLabel = {
        interval: 0, width: Math.max(40, Math.floor(under)), overflow: "break", formatter: label
      };
    }
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", confine: true },
      legend: { show: false },
      grid: grid,
      xAxis: sideways ? values : category,
      yAxis: sideways ? category : values,
      series: series
    };
  }

  /* Each node's column (0 for a source), so the labels can be kept between the columns. */
  function sankeyDepths(nodes, links) {
    var depth = {};
    nodes.forEach(function (n) { depth[n] = 0; });
    for (var pass = 0; pass < nodes.length; pass++) {  // longest path; the flows have no cycle
      var moved = false;
      links.forEach(function (l) {
        if (depth[l.target] < depth[l.source] + 1) { depth[l.target] = depth[l.source] + 1; moved = true; }
      });
      if (!moved) { break; }
    }
    return depth;
  }

  /* Labels point into the gaps between columns (the last column's to its left), each at most
   * half a gap wide and shortened with "…" beyond that: long English names (Qiannan Bouyei
   * Miao Autonomous Prefecture) neither run off a phone's screen nor over the next column.
   * The tooltip names the node in full. */
  function sankey(el, spec) {
    var NODE = 16;
    var MARGIN = 8;
    var nodes = spec.sankey.nodes;
    var depth = sankeyDepths(nodes, spec.sankey.links);
    var last = Math.max.apply(null, nodes.map(function (n) { return depth[n]; }).concat([1]));
    var width = el.parentNode.clientWidth;
    var gap = (width - 2 * MARGIN - (last + 1) * NODE) / last;
    var label = { width: Math.max(40, gap / 2 - 8), overflow: "truncate", ellipsis: "…" };
    return {
      tooltip: { trigger: "item", confine: true },
      series: [{
        type: "sankey", emphasis: { focus: "adjacency" },
        left: MARGIN, right: MARGIN, nodeWidth: NODE,
        data: nodes.map(function (n) {
          var inward = depth[n] === last ? "left" : "right";
          return { name: n, label: Object.assign({ position: inward }, label) };
        }),
        links: spec.sankey.links
      }]
    };
  }

  /* A box is named when its name fits it whole on at most two lines, wrapped between words; a
   * smaller box is left unnamed (its tooltip and the table name it) rather than cut to "Tazih…"
   * beside "X…" or spread one character a line. Asked at every drawing, so a box zoomed into
   * gets its name. */
  function treemap(el, spec) {
    var PADDING = 16;
    function named(params) {
      var chart = window.echarts.getInstanceByDom(el);
      var box = chart && chart.getModel().getSeriesByIndex(0).getData().getItemLayout(params.dataIndex);
      if (!box) { return ""; }
      // ECharts' own drill-down mark would stand alone in an unnamed box: ours goes with the name.
      var text = (params.data && params.data.children ? "▶ " : "") + params.name;
      var fit = wrap(text, box.width - PADDING);
      var fits = fit.word <= box.width - PADDING && fit.lines <= Math.min(2, (box.height - PADDING) / 15);
      return fits ? text : "";
    }
    return {
      tooltip: { confine: true },
      series: [{
        type: "treemap", name: spec.title, data: spec.tree, leafDepth: 1, drillDownIcon: "",
        label: { show: true, overflow: "break", lineHeight: 15, formatter: named },
        breadcrumb: { show: true }
      }]
    };
  }

  /* Row i colours every feature whose code starts with the row's region code. */
  function choropleth(spec, geo) {
    var column = axesOf(spec)[0].columns[0];
    var data = [];
    var max = 1;
    var focus = null;
    geo.features.forEach(function (f) {
      var code = String(f.properties.code || "");
      for (var i = 0; i < spec.map.codes.length; i++) {
        if (code && code.indexOf(spec.map.codes[i]) === 0) {
          var value = spec.rows[i][column] || 0;
          max = Math.max(max, value);
          data.push({ name: f.properties.name, value: value, link: spec.links[i] || null, row: spec.rows[i][0] });
          if (spec.map.codes.length === 1) { focus = f.properties.cp; }
          break;
        }
      }
    });
    return {
      tooltip: {
        trigger: "item", confine: true,
        formatter: function (p) {
          var name = p.data && p.data.row ? p.data.row : p.name;
          return p.data ? name + "<br>" + spec.columns[column] + ": " + p.data.value : p.name;
        }
      },
      visualMap: {
        min: 0, max: max, left: 8, bottom: 8, calculable: true, itemHeight: 80,
        inRange: { color: ["#dbe8f7", "#1f5fa8"] }
      },
      series: [{
        type: "map", map: spec.map.name, data: data, roam: true, name: spec.columns[column],
        selectedMode: false, emphasis: { label: { show: true } },
        itemStyle: { areaColor: "#f2f2f2", borderColor: "#8a8a8a" },
        // One area (a county on its city's map): centre on it, close enough to see it.
        center: focus || undefined, zoom: focus ? 3 : 1
      }]
    };
  }

  /* A legend people can read on a phone: HTML that wraps, one button per series. */
  function legend(el, chart, option) {
    if (!option.series || option.series.length < 2 || option.legend === undefined) { return; }
    var list = document.createElement("ul");
    list.className = "chart-legend";
    option.series.forEach(function (s, i) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("aria-pressed", "true");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = PALETTE[i % PALETTE.length];
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(s.name));
      button.addEventListener("click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
        chart.dispatchAction({ type: on ? "legendSelect" : "legendUnSelect", name: s.name });
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    el.parentNode.insertBefore(list, el);
  }

  function draw(el, spec, option) {
    el.classList.add("chart-ready");
    // The table stays open without script (it is then the only picture); once the chart is
    // drawn it repeats it, and on a phone its rows as cards would make the page several
    // screens long: fold it, one tap away.
    var table = el.parentNode.querySelector("details.chart-table");
    if (table && window.innerWidth < NARROW) { table.open = false; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    // People who ask the system for less motion get the final picture at once.
    option.animation = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    chart.setOption(option);
    legend(el, chart, option);
    chart.on("click", function (params) {
      var link = spec.kind === "map" ? params.data && params.data.link : spec.links && spec.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    // One resize per frame, however many resize events the browser fires, and none before
    // the first picture is finished: ECharts trips over a resize in the middle of a sankey's
    // first layout (seen on slow phones as a TypeError in its progressive renderer).
    var pending = false;
    var drawn = false;
    var missed = false;
    chart.on("finished", function () {
      if (drawn) { return; }
      drawn = true;
      if (missed) { window.requestAnimationFrame(function () { chart.resize(); }); }  // resized meanwhile
    });
    window.addEventListener("resize", function () {
      if (!drawn) { missed = true; return; }
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; chart.resize(); });
    });
  }

  /* A .json.gz arrives packed, or already unpacked by the browser when the server labels it
   * Content-Encoding: gzip (Werkzeug does): look at the first two bytes to know which. */
  function loadMap(map) {
    return fetch(map.url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("map " + map.url + ": " + r.status); }
      return r.arrayBuffer();
    }).then(function (buffer) {
      var head = new Uint8Array(buffer, 0, 2);
      if (head[0] !== 0x1f || head[1] !== 0x8b) {
        return JSON.parse(new TextDecoder().decode(buffer));
      }
      var stream = new Blob([buffer]).stream().pipeThrough(new window.DecompressionStream("gzip"));
      return new Response(stream).json();
    });
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var block = document.getElementById(el.getAttribute("data-chart") + "-data");
    if (!block) { return; }
    var spec = JSON.parse(block.textContent);
    if (!spec.rows.length || spec.empty) { el.hidden = true; return; }
    if (spec.kind === "map") {
      if (spec.map.gzip && !window.DecompressionStream) { el.hidden = true; return; }
      loadMap(spec.map).then(function (geo) {
        window.echarts.registerMap(spec.map.name, geo);
        draw(el, spec, choropleth(spec, geo));
      }).catch(function () { el.hidden = true; });
    } else if (spec.kind === "sankey") {
      draw(el, spec, sankey(el, spec));
    } else if (spec.kind === "treemap") {
      draw(el, spec, treemap(el, spec));
    } else {
      draw(el, spec, cartesian(el, spec));
    }
  });
}());
