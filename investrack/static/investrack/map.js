// 项目地图: counties coloured by the chosen indicator (a click opens the county's list),
// projects as points sized by investment and coloured by light (a click opens the project).
(function () {
  var script = document.getElementById("map-data");
  var el = document.getElementById("city-map");
  if (!script || !el || !window.echarts) return;
  var data = JSON.parse(script.textContent);
  var LIGHTS = ["#2f5d8a", "#f5b800", "#d93025"];
  var chart = echarts.init(el);
  function go(url) { if (url) window.location = url; }

  Promise.all([
    fetch(data.outline_url, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
    fetch(data.points_url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
  ]).then(function (loaded) {
    var outline = loaded[0], points = loaded[1];
    echarts.registerMap("city", outline);
    var values = data.counties.map(function (c) { return c.value; });
    var biggest = Math.max.apply(null, values.concat([0]));
    var amounts = points.points.map(function (p) { return p.value[2]; });
    var largest = Math.max.apply(null, amounts.concat([0.01]));
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType === "map") return p.name + "：" + (p.data ? p.data.text : "—");
        return p.data.count ? p.data.count + " · " + p.data.value[2].toFixed(2) + data.unit
                            : p.name + "：" + p.data.value[2].toFixed(2) + data.unit;
      } },
      visualMap: { min: 0, max: biggest || 1, left: 10, bottom: 10, calculable: true, seriesIndex: 0,
        inRange: { color: ["#fdf3f2", "#f6c9c4", "#e0746a", "#b22222"] }, text: [data.indicator, ""] },
      geo: { map: "city", roam: true, label: { show: true, fontSize: 12 }, itemStyle: { borderColor: "#fff" } },
      series: [
        { type: "map", geoIndex: 0, data: data.counties },
        { type: "scatter", coordinateSystem: "geo", data: points.points, zlevel: 2,
          symbolSize: function (v) { return 4 + 18 * Math.sqrt(v[2] / largest); },
          itemStyle: { color: function (p) { return LIGHTS[p.data.light || 0]; }, opacity: 0.8,
                       borderColor: "#fff", borderWidth: 0.5 } }
      ]
    });
    chart.on("click", function (p) { go(p.data && p.data.url); });
    var count = document.getElementById("map-count");
    if (count) count.textContent = (points.clustered ? data.cells_text : data.count_text).replace("{n}", points.count);
    el.dataset.ready = "1";
    el.dataset.points = String(points.points.length);
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
