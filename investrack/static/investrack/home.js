// The stage funnel on the overview page; each bar opens the list of its projects.
(function () {
  var el = document.getElementById("funnel");
  if (!el || !window.echarts) return;
  var rows = el.dataset.stages.split(";").map(function (s) {
    var p = s.split("|");
    return { name: p[0], value: Number(p[1]), stage: p[2] };
  });
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item" },
    grid: { left: 90, right: 30, top: 10, bottom: 20 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
    series: [{ type: "bar", data: rows, itemStyle: { color: "#b22222" }, label: { show: true, position: "right" } }],
  });
  chart.on("click", function (params) {
    window.location = el.dataset.url + "?stage=" + params.data.stage;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
