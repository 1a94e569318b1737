// Time-series charts on uPlot (loaded as the global uPlot from /vendor/uplot/). One Chart per card;
// update() takes series of {label, points: [[epochSeconds, value], ...]} and redraws.

import { state, escapeHtml, DASH } from './common.js';

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

function cssVar(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** One x array (the union of every series' times) and one y array per series, null where a series has no point. */
export function align(seriesList) {
  const times = new Set();
  for (const s of seriesList) for (const [t] of s.points) times.add(t);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = seriesList.map((s) => {
    const y = new Array(xs.length).fill(null);
    for (const [t, v] of s.points) y[index.get(t)] = v;
    return y;
  });
  return [xs, ...ys];
}

const legendTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An axis range around [min, max] with a little room, kept inside clamp (a ratio stays in 0..1). */
function clampedRange(min, max, clamp) {
  const pad = (max - min) * 0.15 || 0.01;
  return [Math.max(clamp[0], min - pad), Math.min(clamp[1], max + pad)];
}

/** The legend at the newest point of the first series (a projection may reach further right). */
function showLatest(u) {
  const first = u.data[1] || [];
  let idx = first.length - 1;
  while (idx > 0 && first[idx] == null) idx--;
  if (idx >= 0) u.setLegend({ idx });
}

export class Chart {
  /**
   * @param card    the element holding a .chart-body
   * @param options {name, format (value -> text), clamp ([lowest, highest] the axis may show, or none), emptyText}
   */
  constructor(card, options) {
    this.card = card;
    this.body = card.querySelector('.chart-body');
    this.options = options;
    this.plot = null;
    this.signature = '';
    new ResizeObserver(() => this.resize()).observe(this.body);
  }

  resize() {
    if (this.plot) this.plot.setSize(this.size());
  }

  size() {
    return { width: Math.max(200, this.body.clientWidth), height: 220 };
  }

  /**
   * Draws seriesList ({label, points, dash?, color?}); an empty list or no points shows the empty text.
   * timeRange [fromSeconds, toSeconds] fixes the time axis to the range asked for, so a minute of data
   * does not stretch over years; points beyond it (a projection) widen it.
   */
  update(seriesList, note = '', timeRange = null) {
    this.timeRange = timeRange;
    const total = seriesList.reduce((n, s) => n + s.points.length, 0);
    state.charts[this.options.name] = { series: seriesList.length, points: total };
    const noteElement = this.card.querySelector('.chart-note');
    if (noteElement) noteElement.textContent = note;
    if (total === 0) {
      this.destroy();
      this.body.innerHTML = `<div class="empty small">${escapeHtml(this.options.emptyText)}</div>`;
      return;
    }
    const data = align(seriesList);
    const signature = seriesList.map((s) => s.label).join('\u0000');
    if (this.plot && signature === this.signature) {
      this.plot.setData(data);
      showLatest(this.plot);
      return;
    }
    this.destroy();
    this.body.innerHTML = '';
    this.signature = signature;
    this.plot = new uPlot(this.plotOptions(seriesList), data, this.body);
  }

  destroy() {
    if (this.plot) {
      this.plot.destroy();
      this.plot = null;
    }
    this.signature = '';
  }

  plotOptions(seriesList) {
    const format = this.options.format;
    const axisColor = cssVar('--muted', '#64748b');
    const gridColor = cssVar('--grid', '#e2e8f0');
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, font: '11px system-ui, sans-serif' };
    return {
      ...this.size(),
      cursor: { points: { size: 6 } },
      legend: { live: true },
      scales: {
        x: { time: true, range: (u, min, max) => (this.timeRange
          ? [Math.min(this.timeRange[0], min ?? this.timeRange[0]), Math.max(this.timeRange[1], max ?? this.timeRange[1])]
          : [min, max]) },
        y: this.options.clamp ? { range: (u, min, max) => clampedRange(min, max, this.options.clamp) } : {},
      },
      hooks: {
        // without a cursor on the chart the legend shows the latest values, not dashes
        ready: [showLatest],
        setCursor: [(u) => { if (u.cursor.idx == null) showLatest(u); }],
      },
      axes: [
        { ...axis },
        { ...axis, size: 72, values: (u, splits) => splits.map((v) => (v == null ? '' : format(v))) },
      ],
      series: [
        { label: 'At', value: (u, ts) => (ts == null ? DASH : legendTime.format(new Date(ts * 1000))) },
        ...seriesList.map((s, i) => ({
          label: s.label,
          stroke: s.color || PALETTE[i % PALETTE.length],
          width: 1.75,
          dash: s.dash,
          spanGaps: false,
          value: (u, v) => (v == null ? DASH : format(v)),
        })),
      ],
    };
  }
}
