// Draw each section's charts into its own card with the locally served ECharts (no CDN).
(function () {
  var specs = JSON.parse(document.getElementById("charts-data").textContent);
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    var option;
    if (spec.kind === "line") {
      option = {
        tooltip: { trigger: "axis" }, legend: { bottom: 0 },
        grid: { left: 50, right: 20, top: 20, bottom: 50 },
        xAxis: { type: "category", data: spec.labels },
        yAxis: { type: "value" },
        series: Object.keys(spec.series).map(function (name) {
          return { name: name, type: "line", smooth: true, data: spec.series[name] };
        })
      };
    } else if (spec.kind === "pie") {
      option = { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: spec.labels.map(function (l, i) { return { name: l, value: spec.values[i] }; }) }] };
    } else {
      option = {
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 20, top: 20, bottom: 70 },
        xAxis: { type: "category", data: spec.labels, axisLabel: { rotate: 35, interval: 0 } },
        yAxis: { type: "value" },
        series: [{ type: "bar", data: spec.values, itemStyle: { color: "#b71c1c" } }]
      };
    }
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
