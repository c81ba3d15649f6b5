/* Charts on lists (crm.charts): draw the chart from the JSON the page carries
   (<script type="application/json" id="list-chart-data">: chart (bar, line, pie, funnel),
   categories [{key, label, link}], series [{key, label, values}]); a click on a bar, point or
   slice opens the list filtered to that group. No inline scripts (CSP). */
(function () {
  "use strict";

  function linked(data, values) {
    return values.map(function (value, i) {
      return { name: data.categories[i].label, value: value, link: data.categories[i].link };
    });
  }

  function option(data, width) {
    var several = data.series.length > 1;
    if (data.chart === "pie" || data.chart === "funnel") {
      var items = linked(data, data.series[0].values).filter(function (item) { return item.value > 0; });
      var series = data.chart === "pie"
        ? { type: "pie", radius: ["30%", "60%"], center: ["50%", "45%"], label: { formatter: "{b}\n{d}%" } }
        : { type: "funnel", left: "10%", width: "80%", top: 8, bottom: 40, minSize: "10%", gap: 2,
            label: { position: "inside", formatter: "{b}: {c}" } };
      series.name = data.series[0].label;
      series.data = items;
      series.cursor = "pointer";
      return { animation: false, tooltip: { trigger: "item", confine: true },
        legend: { type: "scroll", bottom: 0 }, series: [series] };
    }
    return {
      // No animation: the chart is whole at once, on screen and in screenshots.
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: several ? { type: "scroll", top: 0 } : undefined,
      // Slanted labels reach left of the first bar: room for them.
      grid: { left: labels(data, width).rotate ? 32 : 8, right: 16, top: several ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories.map(function (c) { return c.label; }), axisLabel: labels(data, width) },
      yAxis: { type: "value", minInterval: data.agg === "count" ? 1 : 0 },
      series: data.series.map(function (s) {
        return { name: s.label, type: data.chart === "line" ? "line" : "bar", data: linked(data, s.values),
          barMaxWidth: 48, cursor: "pointer" };
      })
    };
  }

  // Every category labelled: level when each has room, slanted and shortened when not (phones).
  function labels(data, width) {
    var room = (width - 60) / Math.max(1, data.categories.length);
    return { interval: 0, rotate: room < 80 ? 40 : 0, width: room < 80 ? 80 : room - 8, overflow: "truncate" };
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-list-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    element.style.height = (window.innerWidth < 576 ? 260 : 320) + "px";
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data, element.clientWidth));
    chart.on("click", function (params) {
      var link = params.data && params.data.link;
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () {
      chart.setOption(option(data, element.clientWidth));
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-list-chart]").forEach(draw);
  });
})();
