// Sluice's dashboard: draws each page's charts (uPlot, from the JSON the page carries) and, on a
// page whose work is still running (data-refresh on <body>, seconds), fetches the page again and
// swaps its <main> in, so it follows the queue without a reload.
(function () {
  "use strict";
  var COLORS = ["#d92d20", "#f97066", "#1570ef", "#84caff", "#039855", "#6ce9a6", "#7a5af8", "#f79009"];

  function draw(root) {
    root.querySelectorAll("script.chart-data").forEach(function (el) {
      var spec = JSON.parse(el.textContent);
      var box = document.getElementById("chart-" + spec.id);
      if (!box || typeof uPlot === "undefined") { return; }
      box.innerHTML = "";
      var right = spec.stepped ? 1 : -1;
      var series = [{}].concat(spec.series.map(function (name, i) {
        var s = { label: name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: i === right };
        if (spec.stepped && i === 0) { s.paths = uPlot.paths.stepped({ align: 1 }); }
        if (i === right) { s.scale = "right"; s.points = { show: true }; }
        return s;
      }));
      var axes = [{}, { label: spec.unit }];
      if (right >= 0) { axes.push({ side: 1, scale: "right", label: spec.series[right], grid: { show: false } }); }
      var opts = { title: spec.title, width: Math.max(box.clientWidth, 320), height: 220, series: series, axes: axes,
                   scales: { x: { time: true } } };
      new uPlot(opts, spec.data, box);
      box.dataset.drawn = "true";
      box.dataset.points = String(spec.data[0].length);
      box.dataset.series = String(spec.series.length);
    });
  }

  function refresh(seconds) {
    setTimeout(function () {
      fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
        .then(function (html) {
          if (html) {
            var next = new DOMParser().parseFromString(html, "text/html");
            var main = next.querySelector("main");
            if (main) {
              document.querySelector("main").replaceWith(main);
              draw(document);
              document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
            }
            if (!next.body.dataset.refresh) { return; }
          }
          refresh(seconds);
        })
        .catch(function () { refresh(seconds * 2); });
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    var seconds = Number(document.body.dataset.refresh);
    if (seconds > 0) { refresh(seconds); }
  });
})();
