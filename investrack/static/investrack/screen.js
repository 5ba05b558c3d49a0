// 大屏: the map and the stages drawn once and updated in place when htmx brings the panels
// again (every few minutes): no reload, no flash.
(function () {
  var LIGHTS = ["#4fa3ff", "#f5b800", "#ff4d4f"];
  var mapChart = null, funnelChart = null, outlineLoaded = false;

  function data() {
    var script = document.getElementById("screen-data");
    return script ? JSON.parse(script.textContent) : null;
  }

  function drawFunnel(d) {
    var el = document.getElementById("screen-funnel");
    if (!el) return;
    funnelChart = funnelChart || echarts.init(el);
    funnelChart.setOption({
      grid: { left: "14%", right: "40%", top: 10, bottom: 10 },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", inverse: true, data: d.funnel.map(function (s) { return s.name; }),
        axisLabel: { color: "#cfe0ff", fontSize: Math.round(window.innerHeight * 0.016) }, axisLine: { show: false }, axisTick: { show: false } },
      series: [{ type: "bar", data: d.funnel.map(function (s) { return s.value; }), barWidth: "55%",
        itemStyle: { color: "#2a8cff", borderRadius: 4 },
        label: { show: true, position: "right", color: "#ffd54a", fontSize: Math.round(window.innerHeight * 0.017),
          formatter: function (p) { return p.value + " · " + d.funnel[p.dataIndex].amount; } } }]
    });
    el.dataset.ready = "1";
  }

  function drawMap(d) {
    var el = document.getElementById("screen-map");
    if (!el || !d.map.outline_url) return;
    var load = outlineLoaded ? Promise.resolve(null) :
      fetch(d.map.outline_url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
    Promise.all([load, fetch(d.map.points_url, { credentials: "same-origin" }).then(function (r) { return r.json(); })])
      .then(function (loaded) {
        if (loaded[0]) { echarts.registerMap("screen-city", loaded[0]); outlineLoaded = true; }
        var points = loaded[1].points;
        var largest = Math.max.apply(null, points.map(function (p) { return p.value[2]; }).concat([0.01]));
        var biggest = Math.max.apply(null, d.map.counties.map(function (c) { return c.value; }).concat([1]));
        mapChart = mapChart || echarts.init(el);
        mapChart.setOption({
          visualMap: { show: false, min: 0, max: biggest, seriesIndex: 0, inRange: { color: ["#0d2b57", "#1d5fb0", "#3f8ff0"] } },
          geo: { map: "screen-city", roam: false, layoutCenter: ["50%", "50%"], layoutSize: "100%", label: { show: true, color: "#e6eefb", fontSize: Math.round(window.innerHeight * 0.014) },
            itemStyle: { borderColor: "#6fb1ff", borderWidth: 1 }, emphasis: { disabled: true } },
          series: [
            { type: "map", geoIndex: 0, data: d.map.counties },
            { type: "scatter", coordinateSystem: "geo", data: points, zlevel: 2,
              symbolSize: function (v) { return 3 + 16 * Math.sqrt(v[2] / largest); },
              itemStyle: { color: function (p) { return LIGHTS[p.data.light || 0]; }, opacity: 0.85 } }
          ]
        });
        el.dataset.ready = "1";
        el.dataset.points = String(points.length);
      });
  }

  function tick() {
    var rows = document.querySelector(".ticker-rows.moving");
    if (rows) rows.style.setProperty("--ticker-seconds", Math.max(20, rows.children.length * 2) + "s");
  }

  function draw() {
    var d = data();
    if (!d || !window.echarts) return;
    drawFunnel(d);
    drawMap(d);
    tick();
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
  window.addEventListener("resize", function () {
    if (mapChart) mapChart.resize();
    if (funnelChart) funnelChart.resize();
  });
})();
