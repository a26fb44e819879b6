// Charts of the dashboard, drawn with uPlot (served from this server). Rule thresholds, actions and alerts are
// drawn on the canvas by a plugin, and listed as text under each chart.
'use strict';

window.SmCharts = (function () {
  const COLORS = {avg: '#2456c7', max: 'rgba(36,86,199,0.25)', threshold: '#c53030', action: '#2f8a4a',
    actionFailed: '#c53030', alert: '#b7791f', size: '#6b46c1'};

  function text(tag, cls, value) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = value;
    return e;
  }

  /** A 100×24 line of the last hour's per-minute averages; gaps where a minute had no sample. */
  function sparkline(values) {
    const c = document.createElement('canvas');
    const w = 100, h = 24, ratio = window.devicePixelRatio || 1;
    c.width = w * ratio;
    c.height = h * ratio;
    c.className = 'spark';
    c.style.width = w + 'px';
    c.style.height = h + 'px';
    const present = values.filter(v => v !== null);
    if (present.length === 0) return c;
    const min = Math.min(...present), max = Math.max(...present);
    const span = max - min || 1;
    const g = c.getContext('2d');
    g.scale(ratio, ratio);
    g.strokeStyle = COLORS.avg;
    g.lineWidth = 1.2;
    g.fillStyle = COLORS.avg;
    g.beginPath();
    const at = i => [i * (w - 2) / Math.max(1, values.length - 1) + 1, h - 2 - (values[i] - min) / span * (h - 4)];
    values.forEach((v, i) => {
      if (v === null) return;
      const [x, y] = at(i);
      if (i > 0 && values[i - 1] !== null) {
        g.lineTo(x, y);
      } else {
        g.moveTo(x, y);
        // A minute alone (no neighbour to join) is a dot.
        if (i + 1 >= values.length || values[i + 1] === null) g.fillRect(x - 1.5, y - 1.5, 3, 3);
      }
    });
    g.stroke();
    return c;
  }

  /** Draws thresholds and markers over the plot, and records on the chart's element how many it drew. */
  function overlay(state) {
    return {hooks: {draw: [u => {
      const g = u.ctx;
      const {left, top, width, height} = u.bbox;
      const ratio = window.devicePixelRatio || 1;
      g.save();
      g.font = (11 * ratio) + 'px system-ui, sans-serif';
      g.textAlign = 'left';
      g.textBaseline = 'alphabetic';
      let thresholds = 0, actions = 0, alerts = 0;
      for (const t of state.thresholds) {
        const y = u.valToPos(t.value, 'y', true);
        if (y < top || y > top + height) continue;
        g.strokeStyle = COLORS.threshold;
        g.setLineDash([6 * ratio, 4 * ratio]);
        g.lineWidth = ratio;
        g.beginPath(); g.moveTo(left, y); g.lineTo(left + width, y); g.stroke();
        g.fillStyle = COLORS.threshold;
        g.fillText(t.rule + ' ' + t.op + ' ' + t.value, left + 4 * ratio, y - 3 * ratio);
        thresholds++;
      }
      let labels = 0;
      const vertical = (time, color, label, dash) => {
        const x = u.valToPos(time, 'x', true);
        if (x < left || x > left + width) return false;
        g.strokeStyle = color;
        g.setLineDash(dash);
        g.lineWidth = 1.5 * ratio;
        g.beginPath(); g.moveTo(x, top); g.lineTo(x, top + height); g.stroke();
        g.fillStyle = color;
        // Labels step down, so those of actions taken together stay readable.
        g.fillText(label, x + 3 * ratio, top + (12 + 13 * (labels++ % 4)) * ratio);
        return true;
      };
      for (const a of state.actions) {
        if (vertical(a.time, a.status === 'failed' ? COLORS.actionFailed : COLORS.action, a.label, [])) actions++;
      }
      for (const a of state.alerts) {
        if (vertical(a.time, COLORS.alert, '⚠', [2 * ratio, 3 * ratio])) alerts++;
      }
      g.restore();
      u.root.parentElement.dataset.drawnThresholds = String(thresholds);
      u.root.parentElement.dataset.drawnActions = String(actions);
      u.root.parentElement.dataset.drawnAlerts = String(alerts);
    }]}};
  }

  function columns(points) {
    const xs = new Array(points.length), avg = new Array(points.length), max = new Array(points.length);
    for (let i = 0; i < points.length; i++) {
      xs[i] = points[i][0]; avg[i] = points[i][1]; max[i] = points[i][3];
    }
    return [xs, avg, max];
  }

  function legend(state, type) {
    const ul = document.createElement('ul');
    ul.className = 'legend';
    for (const t of state.thresholds) {
      ul.append(text('li', 'threshold', '— ' + t.rule + ': ' + t.condition + ' → ' + t.then));
    }
    for (const a of state.actions) {
      ul.append(text('li', 'action', '| ' + a.label + ' (' + a.rule + ', ' + a.status + ') '
        + new Date(a.time * 1000).toLocaleTimeString()));
    }
    for (const a of state.alerts) {
      ul.append(text('li', 'alert', '⚠ ' + a.label));
    }
    return ul;
  }

  /**
   * One chart per series of an InstanceChart answer. Charts of the previous draw are updated in place (live
   * refresh); returns what to pass next time.
   */
  function drawInstance(container, data, previous) {
    const width = Math.max(480, Math.min(900, container.clientWidth / (container.clientWidth > 1100 ? 2 : 1) - 16));
    const plots = previous || new Map();
    const seen = new Set();
    for (const s of data.series) {
      seen.add(s.type);
      const state = {thresholds: data.thresholds.filter(t => t.type === s.type), actions: data.actions,
        alerts: data.alerts};
      const cols = columns(s.points);
      const [lo, hi] = bounds(cols, state.thresholds);
      let p = plots.get(s.type);
      if (p) {
        Object.assign(p.state, state);
        p.plot.setScale('y', {min: lo, max: hi});
        p.plot.setData(cols);
        p.legend.replaceWith(p.legend = legend(state, s.type));
        continue;
      }
      const box = document.createElement('div');
      box.className = 'chart card';
      box.dataset.type = s.type;
      box.append(text('h3', null, s.type));
      container.append(box);
      const plot = new uPlot({
        width, height: 200, plugins: [overlay(state)],
        scales: {x: {time: true}, y: {range: () => [state.lo, state.hi]}},
        series: [{}, {label: s.type + ' avg', stroke: COLORS.avg, width: 1.5, spanGaps: false},
          {label: 'max', stroke: COLORS.max, width: 1}],
        axes: [{}, {size: 50}],
        legend: {show: false},
        cursor: {drag: {x: true, y: false}}
      }, cols, box);
      state.lo = lo; state.hi = hi;
      plot.setScale('y', {min: lo, max: hi});
      const l = legend(state, s.type);
      box.append(l);
      plots.set(s.type, {plot, state, legend: l, box});
    }
    for (const [type, p] of plots) {
      if (!seen.has(type)) { p.plot.destroy(); p.box.remove(); plots.delete(type); }
    }
    if (data.series.length === 0) {
      container.replaceChildren(text('p', 'muted', 'No samples in this range.'));
    }
    return plots;
  }

  /** The y range: the samples' range widened to show every threshold. */
  function bounds(cols, thresholds) {
    let lo = Infinity, hi = -Infinity;
    for (const v of cols[1]) { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    for (const v of cols[2]) { if (v !== null) { hi = Math.max(hi, v); } }
    for (const t of thresholds) { lo = Math.min(lo, t.value); hi = Math.max(hi, t.value); }
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    const pad = (hi - lo) * 0.08 || 1;
    return [lo - pad, hi + pad];
  }

  /** The size of each resized component over the range, as steps. */
  function drawSizes(container, data) {
    container.replaceChildren();
    const components = Object.keys(data.sizes || {});
    if (components.length === 0) {
      container.append(text('p', 'muted', 'No resize in this range.'));
      return;
    }
    const grid = document.createElement('div');
    grid.className = 'charts';
    for (const c of components) {
      const steps = data.sizes[c];
      const box = document.createElement('div');
      box.className = 'chart card size';
      box.dataset.component = c;
      box.append(text('h3', null, c + (c === 'ram' ? ' (MiB)' : c === 'storage' ? ' (GiB)' : ' (cores)')));
      grid.append(box);
      const xs = steps.map(s => s[0]), ys = steps.map(s => s[1]);
      const lo = Math.min(...ys), hi = Math.max(...ys);
      new uPlot({width: 480, height: 120, legend: {show: false},
        scales: {x: {time: true, range: () => [data.from, data.to]}, y: {range: () => [Math.max(0, lo - (hi - lo || 1) * 0.2), hi + (hi - lo || 1) * 0.2]}},
        series: [{}, {stroke: COLORS.size, width: 2, paths: uPlot.paths.stepped({align: 1})}],
        axes: [{}, {size: 60}]}, [xs, ys], box);
    }
    container.append(grid);
  }

  return {sparkline, drawInstance, drawSizes};
})();
