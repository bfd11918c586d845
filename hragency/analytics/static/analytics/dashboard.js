/* 数据看板: each div[data-chart] is filled from /api/analytics/<endpoint>?<filters> with ECharts.
   One fetch per endpoint however many charts use it. */
(function () {
  "use strict";
  var config = document.getElementById("analytics-config");
  if (!config || typeof echarts === "undefined") { return; }
  var api = config.dataset.api;
  var query = config.dataset.query;
  var cache = {};

  function load(endpoint) {
    if (!cache[endpoint]) {
      cache[endpoint] = fetch(api + endpoint + "?" + query, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    }
    return cache[endpoint];
  }
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function nums(list) { return (list || []).map(num); }
  var base = {
    tooltip: {trigger: "axis"},
    legend: {type: "scroll", top: 0},
    grid: {left: 48, right: 24, top: 40, bottom: 32, containLabel: true}
  };
  function merge(extra) { return Object.assign({}, base, extra); }
  function bars(categories, series, stack) {
    return merge({
      xAxis: {type: "category", data: categories},
      yAxis: {type: "value", minInterval: 1},
      series: series.map(function (s) {
        return {name: s.name, type: "bar", stack: stack ? "total" : undefined, data: nums(s.data)};
      })
    });
  }

  var builders = {
    "volumes-channel": function (d) { return bars(d.buckets, d.channels, true); },
    "volumes-module": function (d) { return bars(d.modules, d.natures, true); },
    "levels-trend": function (d) {
      return merge({
        xAxis: {type: "category", data: d.buckets},
        yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
        series: d.series.map(function (s) {
          return {name: s.name, type: "line", connectNulls: true, data: nums(s.data)};
        })
      });
    },
    "satisfaction": function (d) {
      var series = d.distribution.map(function (s) {
        return {name: s.name, type: "bar", stack: "score", data: nums(s.data)};
      });
      series.push({name: "平均分", type: "line", yAxisIndex: 1, connectNulls: true, data: nums(d.average)});
      return merge({
        xAxis: {type: "category", data: d.buckets},
        yAxis: [{type: "value", name: "评价数", minInterval: 1}, {type: "value", name: "均分", min: 0, max: 5}],
        series: series
      });
    },
    "insured": function (d) {
      return merge({
        xAxis: {type: "category", data: d.months},
        yAxis: {type: "value", minInterval: 1},
        series: [{name: "在保人数", type: "line", data: nums(d.insured)}]
      });
    },
    "fees": function (d) {
      return merge({
        xAxis: {type: "category", data: d.months},
        yAxis: {type: "value", axisLabel: {formatter: "¥{value}"}},
        series: [
          {name: "应付合计（元）", type: "bar", data: d.fees.map(function (r) { return r.total_fen / 100; })},
          {name: "服务费（元）", type: "bar", data: d.fees.map(function (r) { return r.service_fee_fen / 100; })}
        ]
      });
    },
    "workload-open": function (d) {
      var names = d.open_tickets.map(function (r) { return r.name; });
      return merge({
        xAxis: {type: "category", data: names},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: "在办工单", type: "bar", data: d.open_tickets.map(function (r) { return r.open; })},
          {name: "其中超时", type: "bar", data: d.open_tickets.map(function (r) { return r.overdue; })},
          {name: "待办时限", type: "bar", data: names.map(function (n) {
            var hit = d.deadlines.filter(function (r) { return r.name === n; })[0];
            return hit ? hit.open : 0;
          })}
        ]
      });
    },
    "workload-closed": function (d) { return bars(d.buckets, d.closed.slice(0, 10), true); },
    "hotspots": function (d) {
      var terms = d.terms.slice().reverse();
      return merge({
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
        legend: {show: false},
        xAxis: {type: "value", minInterval: 1},
        yAxis: {type: "category", data: terms.map(function (t) { return t.term; })},
        series: [{name: "工单数", type: "bar", data: terms.map(function (t) { return t.count; })}]
      });
    },
    "call-centre": function (d) {
      return merge({
        xAxis: {type: "category", data: d.buckets},
        yAxis: [{type: "value", name: "话务量", minInterval: 1}, {type: "value", name: "服务水平", min: 0, max: 100}],
        series: [
          {name: "呼入", type: "bar", data: d.offered},
          {name: "接通", type: "bar", data: d.answered},
          {name: "放弃", type: "bar", data: d.abandoned},
          {name: "服务水平 %", type: "line", yAxisIndex: 1, connectNulls: true, data: nums(d.service_level)}
        ]
      });
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.dataset.chart];
    if (!build) { return; }
    load(el.dataset.endpoint).then(function (data) {
      var chart = echarts.init(el, null, {renderer: "canvas"});
      chart.setOption(build(data));
      charts.push(chart);
      el.dataset.rendered = "1";
    }).catch(function (err) {
      el.textContent = "图表加载失败（" + err.message + "）";
      el.classList.add("text-danger", "small");
    });
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
