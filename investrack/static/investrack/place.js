// A project's place on its form: a click on the city's map, or the phone's own position.
// Both fill the typed fields (GCJ-02, six places), which stay the one thing the form sends.
(function () {
  var lng = document.getElementById("id_longitude");
  var lat = document.getElementById("id_latitude");
  var picker = document.getElementById("place-picker");
  if (!lng || !lat || !picker) return;
  var status = document.getElementById("place-status");

  // WGS-84 (what a phone's GPS gives) to GCJ-02 (what Gaode's and Tencent's maps, the
  // outlines and this form use): the published offset; outside China nothing moves.
  var A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(x, y) { return x < 72.004 || x > 137.8347 || y < 0.8293 || y > 55.8271; }
  function dLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function dLng(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function wgsToGcj(x, y) {
    if (outOfChina(x, y)) return [x, y];
    var rad = y / 180 * Math.PI, magic = 1 - EE * Math.pow(Math.sin(rad), 2), root = Math.sqrt(magic);
    var la = dLat(x - 105, y - 35) * 180 / ((A * (1 - EE)) / (magic * root) * Math.PI);
    var lo = dLng(x - 105, y - 35) * 180 / (A / root * Math.cos(rad) * Math.PI);
    return [x + lo, y + la];
  }

  var chart = null;
  function mark() {
    if (!chart) return;
    var x = parseFloat(lng.value), y = parseFloat(lat.value);
    chart.setOption({ series: [{ data: isNaN(x) || isNaN(y) ? [] : [[x, y]] }] });
  }
  function put(x, y, said) {
    lng.value = x.toFixed(6);
    lat.value = y.toFixed(6);
    if (status) status.textContent = said;
    mark();
  }

  var el = document.getElementById("place-map");
  if (el && window.echarts) {
    fetch(picker.dataset.outline, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (outline) {
        if (!outline) { el.hidden = true; return; }
        echarts.registerMap("place", outline);
        chart = echarts.init(el);
        chart.setOption({
          geo: { map: "place", roam: true, label: { show: true, fontSize: 11 },
                 itemStyle: { areaColor: "#eef3f8", borderColor: "#9bb" } },
          series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 14, data: [],
                     itemStyle: { color: "#d93025", borderColor: "#fff", borderWidth: 2 } }]
        });
        chart.getZr().on("click", function (e) {
          var at = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]);
          if (at) put(at[0], at[1], picker.dataset.picked);
        });
        mark();
        el.dataset.ready = "1";
        window.addEventListener("resize", function () { chart.resize(); });
      });
    lng.addEventListener("change", mark);
    lat.addEventListener("change", mark);
  }

  var here = document.getElementById("place-here");
  if (here) {
    if (!navigator.geolocation) { here.hidden = true; return; }
    here.addEventListener("click", function () {
      if (status) status.textContent = picker.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (p) {
        var gcj = wgsToGcj(p.coords.longitude, p.coords.latitude);
        put(gcj[0], gcj[1], picker.dataset.located);
      }, function () {
        if (status) status.textContent = picker.dataset.refused;
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
})();
