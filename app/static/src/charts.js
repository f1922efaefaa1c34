// Supervisor figures: draws the ECharts charts of /supervisor/figures from the JSON
// the page embeds (#figures-data).  Each <div data-chart="name"> gets one chart;
// with no data it says so instead of drawing empty axes.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent,
  TooltipComponent, CanvasRenderer]);

const COLORS = ["#0b4f8a", "#2f855a", "#b7791f", "#c0392b", "#6b46c1", "#2c7a7b", "#718096"];
const pct = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

function title(text) {
  return { text, left: "center", textStyle: { fontSize: 14, fontWeight: 600 } };
}

function bars(text, categories, series, { yName = "", percent = false, rotate = 0 } = {}) {
  return {
    color: COLORS, title: title(text), tooltip: { trigger: "axis" },
    legend: { top: 24, show: series.length > 1 },
    grid: { left: 48, right: 48, top: series.length > 1 ? 60 : 40,
      bottom: rotate || categories.length > 5 ? 90 : 40 },
    xAxis: { type: "category", data: categories,
      axisLabel: { interval: 0, rotate: rotate || (categories.length > 5 ? 30 : 0), formatter: (v) => short(v, 10) } },
    yAxis: series.some((s) => s.yAxisIndex) ? [
      { type: "value", name: yName, max: percent ? 100 : null },
      { type: "value", name: "工作日" },
    ] : { type: "value", name: yName, max: percent ? 100 : null, minInterval: 1 },
    series,
  };
}

const short = (text, n = 12) => (text.length > n ? `${text.slice(0, n)}…` : text);

function pie(text, items) {
  return {
    color: COLORS, title: title(text), tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
    series: [{
      type: "pie", radius: ["35%", "62%"], top: 30, data: items.filter((i) => i.value > 0),
      label: { formatter: (p) => `${short(p.name)}\n${p.value}` },
    }],
  };
}

const BUILDERS = {
  on_time_by_step(f) {
    const rows = f.on_time_by_step;
    return [rows.length, bars("各环节按期率与用时中位数", rows.map((r) => r.name), [
      { name: "按期率（%）", type: "bar", data: rows.map((r) => pct(r.rate)) },
      { name: "用时中位数（工作日）", type: "line", yAxisIndex: 1, data: rows.map((r) => r.median_working_days) },
    ], { yName: "%", percent: true })];
  },
  on_time_by_bureau(f) {
    const rows = f.on_time_by_bureau;
    return [rows.length, bars("各机关按期率", rows.map((r) => r.bureau),
      [{ name: "按期率（%）", type: "bar", data: rows.map((r) => pct(r.rate)) }], { yName: "%", percent: true })];
  },
  repair_by_month(f) {
    const rows = f.repair_by_month;
    const keys = [["received", "收到申请"], ["supplement", "告知补正"], ["rejected", "不予受理"],
      ["refused", "不予提前移出"], ["granted", "准予提前移出"], ["lapsed", "申请失效"]];
    const total = rows.reduce((n, r) => n + keys.reduce((m, [k]) => m + r[k], 0), 0);
    return [total, bars("信用修复申请（按月）", rows.map((r) => r.month),
      keys.map(([k, name]) => ({ name, type: "bar", data: rows.map((r) => r[k]) })), { yName: "件" })];
  },
  listings_by_situation(f) {
    const rows = f.listings.by_situation;
    return [rows.length, pie("列入情形", rows.map((r) => ({ name: r.label, value: r.count })))];
  },
  listings_by_sector(f) {
    const rows = f.listings.by_sector;
    return [rows.length, bars("所属行业", rows.map((r) => r.sector),
      [{ name: "主体数", type: "bar", data: rows.map((r) => r.count) }], { yName: "个" })];
  },
  listing_status(f) {
    const rows = f.listings.status;
    return [rows.reduce((n, r) => n + r.count, 0), pie("名单状态", rows.map((r) => ({ name: r.label, value: r.count })))];
  },
  listings_by_month(f) {
    const rows = f.listings.by_month;
    const keys = [["listed", "列入"], ["expired", "期满移出"], ["removed_early", "提前移出"]];
    const total = rows.reduce((n, r) => n + r.listed + r.expired + r.removed_early, 0);
    return [total, bars("名单变动（按月）", rows.map((r) => r.month),
      keys.map(([k, name]) => ({ name, type: "bar", data: rows.map((r) => r[k]) })), { yName: "个" })];
  },
  follow_ups(f) {
    const r = f.follow_ups;
    return [r.done + r.open, bars("回访", ["完成回访", "发现反弹", "待回访", "逾期未回访"],
      [{ name: "数量", type: "bar", data: [r.done, r.rebounds, r.open, r.overdue] }], { yName: "次" })];
  },
  inspections(f) {
    const r = f.inspections;
    return [r.due, bars("对列入名单主体的检查", ["应检查", "已检查", "按期检查", "逾期未检查"],
      [{ name: "数量", type: "bar", data: [r.due, r.done, r.done_on_time, r.overdue_open] }], { yName: "次" })];
  },
};

function draw() {
  const source = document.getElementById("figures-data");
  if (!source) return;
  const figures = JSON.parse(source.textContent);
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const build = BUILDERS[el.dataset.chart];
    if (!build) return;
    const [amount, option] = build(figures);
    if (!amount) {
      el.classList.add("empty-chart");
      el.textContent = `${option.title.text}：暂无数据`;
      return;
    }
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
else draw();
