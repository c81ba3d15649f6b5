/* The report pages (crm.reports): draw each chart from the JSON the page carries
   (<script type="application/json" id="report-chart">: kind (pie, bar, vbar, hbar, funnel),
   series, labels, values, links),
   open the records behind a bar or slice on click, and print. No inline scripts (CSP). */
(function () {
  "use strict";

  function items(data) {
    return data.labels.map(function (label, i) { return { name: label, value: data.values[i], link: data.links[i] }; });
  }

  function option(data) {
    var tooltip = { trigger: data.kind === "pie" || data.kind === "funnel" ? "item" : "axis", confine: true };
    // No animation: the chart is whole at once, on screen, in print and in screenshots.
    if (data.kind === "pie") {
      return {
        animation: false,
        tooltip: tooltip,
        legend: { type: "scroll", bottom: 0 },
        series: [{
          name: data.series,
          type: "pie",
          radius: ["30%", "55%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}\n{d}%" },
          // Empty items stay in the table; a slice of 0 would only crowd the labels.
          data: items(data).filter(function (item) { return item.value > 0; })
        }]
      };
    }
    if (data.kind === "funnel") {
      // The stages in the pipeline's order (sort: none), each labelled with how many reached it.
      return {
        animation: false,
        tooltip: tooltip,
        series: [{
          name: data.series,
          type: "funnel",
          sort: "none",
          left: "8%",
          width: "84%",
          top: 8,
          bottom: 8,
          minSize: "12%",
          gap: 2,
          label: { position: "inside", formatter: "{b}: {c}" },
          cursor: "pointer",
          data: items(data)
        }]
      };
    }
    var horizontal = data.kind === "hbar";
    var categories = { type: "category", data: data.labels, inverse: horizontal,
      axisLabel: { width: horizontal ? 110 : 80, overflow: "truncate", interval: 0, rotate: horizontal ? 0 : 30 } };
    var numbers = { type: "value", minInterval: data.kind === "bar" || data.whole ? 1 : 0 };  // counts: whole numbers
    return {
      animation: false,
      tooltip: tooltip,
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? numbers : categories,
      yAxis: horizontal ? categories : numbers,
      series: [{ name: data.series, type: "bar", data: items(data), barMaxWidth: 48, itemStyle: { color: "#0d6efd" },
        cursor: "pointer" }]
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
      var link = params.data && params.data.link;
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
