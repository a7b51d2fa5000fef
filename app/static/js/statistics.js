/* 统计报表: the period fields that matter for the chosen period, and the four charts,
   drawn by the vendored ECharts from the page's JSON block (#statistics-data). No inline script. */
(function () {
  "use strict";

  function showPeriodFields() {
    var select = document.getElementById("period");
    if (!select) { return; }
    var wanted = {
      month: ["period-year", "period-month"],
      quarter: ["period-year", "period-quarter"],
      year: ["period-year"],
      range: ["period-range"]
    }[select.value] || [];
    ["period-year", "period-month", "period-quarter", "period-range"].forEach(function (name) {
      var groups = document.querySelectorAll(".statistics-form ." + name);
      for (var i = 0; i < groups.length; i++) {
        var hasError = groups[i].classList.contains("has-error");
        groups[i].classList.toggle("period-hidden", wanted.indexOf(name) < 0 && !hasError);
      }
    });
  }

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element || !window.echarts) { return null; }
    var instance = window.echarts.init(element, null, { renderer: "canvas" });
    option.animation = false;
    instance.setOption(option);
    return instance;
  }

  function drawCharts() {
    var block = document.getElementById("statistics-data");
    if (!block || !window.echarts) { return; }
    var data = JSON.parse(block.textContent);
    var t = data.texts;
    var grid = { left: 24, right: 32, top: 60, bottom: 36, containLabel: true };
    var instances = [
      chart("chart-intake-output", {
        title: { text: t.intakeOutput, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, data: [t.intake, t.output, t.issued] },
        grid: grid,
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: t.intake, type: "bar", barMaxWidth: 48, data: data.intake },
          { name: t.output, type: "bar", barMaxWidth: 48, data: data.output },
          { name: t.issued, type: "line", data: data.issued }
        ]
      }),
      chart("chart-status", {
        title: { text: t.byStatus, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item" },
        grid: grid,
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.statuses.map(function (s) { return s.name; }) },
        series: [{ name: t.cases, type: "bar", barMaxWidth: 48, data: data.statuses.map(function (s) { return s.value; }), label: { show: true, position: "right" } }]
      }),
      chart("chart-days", {
        title: { text: t.daysToDecision, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: grid,
        xAxis: { type: "category", data: data.daysToDecision.bands },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: t.decisions, type: "bar", barMaxWidth: 48, data: data.daysToDecision.counts, label: { show: true, position: "top" } }]
      }),
      chart("chart-overdue", {
        title: { text: t.overdue, left: "center", textStyle: { fontSize: 14 },
                 subtext: data.overdue.groups.length ? "" : t.none },
        tooltip: { trigger: "axis" },
        grid: grid,
        xAxis: { type: "category", data: data.overdue.groups, axisLabel: { interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: t.cases, type: "bar", barMaxWidth: 48, color: "#c9302c", data: data.overdue.counts, label: { show: true, position: "top" } }]
      })
    ];
    window.addEventListener("resize", function () {
      instances.forEach(function (instance) { if (instance) { instance.resize(); } });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("period");
    if (select) { select.addEventListener("change", showPeriodFields); }
    showPeriodFields();
    drawCharts();
  });
}());
