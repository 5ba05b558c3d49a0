// The leaders' dashboard: every bar, point and slice opens the list of its projects.
(function () {
  var script = document.getElementById("dashboard-data");
  if (!script || !window.echarts) return;
  var data = JSON.parse(script.textContent);
  var RED = "#b22222", BLUE = "#2f5d8a", GREEN = "#2e8b57", GOLD = "#d4a017";
  var charts = [];

  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el);
    c.setOption(option);
    if (onClick) c.on("click", onClick);
    el.dataset.ready = "1";
    charts.push(c);
  }
  function go(url) { if (url) window.location = url; }

  chart("chart-funnel", {
    tooltip: { formatter: function (p) { return p.name + "：" + p.value + "（" + p.data.amount_text + "）"; } },
    grid: { left: 80, right: 60, top: 10, bottom: 20 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.funnel.map(function (s) { return s.name; }) },
    series: [{ type: "bar", data: data.funnel, itemStyle: { color: RED }, label: { show: true, position: "right" } }]
  }, function (p) { go(p.data.url); });

  var colours = [BLUE, RED, GREEN];
  var trendSeries = [];
  data.trend.series.forEach(function (s, i) {
    trendSeries.push({ name: s.name, type: "line", data: s.values.map(function (v, k) { return { value: v, url: s.urls[k] }; }),
      itemStyle: { color: colours[i] }, symbolSize: 8 });
    if (s.target.some(function (v) { return v !== null; })) {
      trendSeries.push({ name: s.target_name, type: "line", data: s.target, lineStyle: { type: "dashed" },
        itemStyle: { color: colours[i] }, symbol: "none" });
    }
  });
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },  // every line named at once: no paging through the legend
    grid: { left: 40, right: 20, top: 10, bottom: 80 },
    xAxis: { type: "category", data: data.trend.months, axisLabel: { interval: 0 } },
    yAxis: { type: "value" },
    series: trendSeries
  }, function (p) { if (p.data && p.data.url) go(p.data.url); });

  // Counties: one column each, every name shown (no label skipped).
  function bars(id, rows, colour) {
    chart(id, {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 40, top: 10, bottom: 90 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, rotate: rows.length > 6 ? 40 : 0 } },
      yAxis: [{ type: "value" }, { type: "value", name: data.labels.unit }],
      series: [
        { name: data.labels.projects, type: "bar", itemStyle: { color: colour },
          data: rows.map(function (r) { return { value: r.count !== undefined ? r.count : r.value, url: r.url }; }) },
        { name: data.labels.amount, type: "line", yAxisIndex: 1, itemStyle: { color: GOLD },
          data: rows.map(function (r) { return { value: Math.round(r.amount * 100) / 100, url: r.url }; }) }
      ]
    }, function (p) { go(p.data.url); });
  }
  // Industries and chains: long names, so the bars lie down and the names stand whole.
  function rowsChart(id, rows, colour) {
    var el = document.getElementById(id);
    if (el) el.style.height = Math.max(260, rows.length * 30 + 60) + "px";
    chart(id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 10, right: 40, top: 10, bottom: 40, containLabel: true },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0 } },
      xAxis: [{ type: "value" }, { type: "value", name: data.labels.unit, show: false }],
      series: [
        { name: data.labels.projects, type: "bar", itemStyle: { color: colour }, label: { show: true, position: "right" },
          data: rows.map(function (r) { return { value: r.value, url: r.url }; }) },
        { name: data.labels.amount, type: "bar", xAxisIndex: 1, itemStyle: { color: GOLD },
          label: { show: true, position: "right" },
          data: rows.map(function (r) { return { value: Math.round(r.amount * 100) / 100, url: r.url }; }) }
      ]
    }, function (p) { go(p.data.url); });
  }
  bars("chart-counties", data.counties, BLUE);
  rowsChart("chart-industries", data.industries, GREEN);
  rowsChart("chart-chains", data.chains, RED);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
