// The project page: investment completed (cumulative, 万元) against the plan.
(function () {
  var script = document.getElementById("investment-curve");
  var el = document.getElementById("chart-investment");
  if (!script || !el || !window.echarts) return;
  var d = JSON.parse(script.textContent);
  var labels = d.labels;
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 60, right: 20, top: 20, bottom: 60 },
    xAxis: { type: "category", data: d.months },
    yAxis: { type: "value", name: labels.unit || "" },
    series: [
      { name: labels.actual || "", type: "line", data: d.actual, connectNulls: true, symbolSize: 7,
        itemStyle: { color: "#b22222" } },
      { name: labels.planned || "", type: "line", data: d.planned, symbol: "none",
        lineStyle: { type: "dashed" }, itemStyle: { color: "#2f5d8a" } }
    ]
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
