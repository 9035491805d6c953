/* Draws every [data-chart] element with ECharts from the JSON block next to it.
 * Progressive enhancement: the table under each chart already shows the same figures.
 * Maps are registered from GeoJSON served by our own static folder (no CDN).
 */
(function () {
  "use strict";
  if (!window.echarts) { return; }

  function numeric(rows, col) {
    return rows.map(function (r) { return r[col] === null ? 0 : r[col]; });
  }

  function cartesian(spec) {
    var categories = spec.rows.map(function (r) { return String(r[0]); });
    var series = [];
    for (var c = 1; c < spec.columns.length; c++) {
      series.push({ name: spec.columns[c], type: spec.kind, data: numeric(spec.rows, c) });
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 48, right: 16, top: 48, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series
    };
  }

  function sankey(spec) {
    return {
      tooltip: { trigger: "item" },
      series: [{
        type: "sankey", emphasis: { focus: "adjacency" },
        data: spec.sankey.nodes.map(function (n) { return { name: n }; }),
        links: spec.sankey.links
      }]
    };
  }

  function treemap(spec) {
    return {
      tooltip: {},
      series: [{ type: "treemap", name: spec.title, data: spec.tree, leafDepth: 1, label: { show: true } }]
    };
  }

  function choropleth(spec, geo) {
    var byCode = {};
    geo.features.forEach(function (f) { byCode[f.properties.code] = f.properties.name; });
    var data = [];
    var max = 1;
    spec.map.codes.forEach(function (code, i) {
      var value = spec.rows[i][2];
      max = Math.max(max, value);
      if (byCode[code]) { data.push({ name: byCode[code], value: value }); }
    });
    return {
      tooltip: { trigger: "item" },
      visualMap: { min: 0, max: max, left: "left", bottom: 0, calculable: true, inRange: { color: ["#e8f1fb", "#1f5fa8"] } },
      series: [{ type: "map", map: spec.map.name, data: data, roam: true, name: spec.columns[2] }]
    };
  }

  function draw(el, spec, option) {
    el.classList.add("chart-ready");
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    // People who ask the system for less motion get the final picture at once.
    option.animation = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    chart.setOption(option);
    if (spec.links && spec.links.length && spec.kind !== "map") {
      chart.on("click", function (params) {
        var link = spec.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
    }
    // One resize per frame, however many resize events the browser fires.
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; chart.resize(); });
    });
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var block = document.getElementById(el.getAttribute("data-chart") + "-data");
    if (!block) { return; }
    var spec = JSON.parse(block.textContent);
    if (!spec.rows.length) { el.hidden = true; return; }
    if (spec.kind === "map") {
      fetch(spec.map.url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          window.echarts.registerMap(spec.map.name, geo);
          draw(el, spec, choropleth(spec, geo));
        });
    } else if (spec.kind === "sankey") {
      draw(el, spec, sankey(spec));
    } else if (spec.kind === "treemap") {
      draw(el, spec, treemap(spec));
    } else {
      draw(el, spec, cartesian(spec));
    }
  });
}());
