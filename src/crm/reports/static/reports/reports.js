/* The report pages (crm.reports): draw the chart from the JSON the page carries
   (<script type="application/json" id="report-chart">: kind, series, labels, values, links),
   open the records behind a bar or slice on click, and print. No inline scripts (CSP). */
(function () {
  "use strict";

  function option(data) {
    var tooltip = { trigger: data.kind === "pie" ? "item" : "axis", confine: true };
    if (data.kind === "pie") {
      return {
        tooltip: tooltip,
        legend: { type: "scroll", bottom: 0 },
        series: [{
          name: data.series,
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}\n{d}%" },
          data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; })
        }]
      };
    }
    var horizontal = data.kind === "hbar";
    var categories = { type: "category", data: data.labels, inverse: horizontal,
      axisLabel: { width: horizontal ? 110 : 80, overflow: "truncate", interval: 0, rotate: horizontal ? 0 : 30 } };
    var numbers = { type: "value" };
    return {
      tooltip: tooltip,
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? numbers : categories,
      yAxis: horizontal ? categories : numbers,
      series: [{ name: data.series, type: "bar", data: data.values, itemStyle: { color: "#0d6efd" }, cursor: "pointer" }]
    };
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-report-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (data.kind === "hbar") {
      element.style.height = Math.max(240, data.labels.length * 26 + 40) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data));
    chart.on("click", function (params) {
      var link = data.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
    window.addEventListener("afterprint", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-report-chart]").forEach(draw);
    document.querySelectorAll("[data-report-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
