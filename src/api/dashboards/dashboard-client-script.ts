// The browser side of a dashboard page (served as /dashboards/_assets/dashboard.js): opens the
// SSE stream, keeps each panel's data and draws it with uPlot (lines, bars) or HTML (tables,
// numbers, empty states). Plain ES2017 in a string, as the server sends it; no build step.

/**
 * Reads the page's `#dashboard-config` JSON ({name, streamUrl, windowMs, panels}) and the
 * global `uPlot`. Exposes `window.sluiceDashboard.readings()` — per panel its kind, number of
 * updates, points and a data signature — which the end-to-end test compares between readings.
 */
export const DASHBOARD_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('dashboard-config').textContent);
  var PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777',
    '#65a30d', '#475569', '#ea580c'];
  var AXIS_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var statusEl = document.getElementById('status');
  var measure = document.createElement('canvas').getContext('2d');
  measure.font = AXIS_FONT;
  var panels = {};
  var frames = 0;

  // Numbers -----------------------------------------------------------------------------------
  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return trim(v / 1e9) + 'G';
    if (a >= 1e6) return trim(v / 1e6) + 'M';
    if (a >= 1e4) return trim(v / 1e3) + 'k';
    if (a >= 100) return String(Math.round(v));
    if (a >= 10) return trim(v, 1);
    if (a === 0) return '0';
    return trim(v, a >= 1 ? 2 : 3);
  }
  function trim(v, digits) {
    return String(Number(v.toFixed(digits === undefined ? 1 : digits)));
  }
  function fmt(v, unit) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return String(v);
    if (unit === 'bytes') {
      var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      var i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
      return trim(v, i === 0 ? 0 : 1) + ' ' + units[i];
    }
    if (unit === 's') {
      if (v === 0) return '0';
      if (Math.abs(v) < 0.001) return trim(v * 1e6, 0) + ' µs';
      if (Math.abs(v) < 1) return trim(v * 1000, Math.abs(v) < 0.01 ? 2 : 1) + ' ms';
      return trim(v, 2) + ' s';
    }
    if (unit === 'ms') return trim(v, 1) + ' ms';
    if (unit === '%') return trim(v * 100, 1) + '%';
    if (unit === '/s') return compact(v) + '/s';
    return compact(v) + (unit ? ' ' + unit : '');
  }
  // Axes have little room: known units keep their suffix, others show the bare number.
  function axisFmt(v, unit) {
    return unit === 'bytes' || unit === 's' || unit === 'ms' || unit === '%' ? fmt(v, unit) : compact(v);
  }
  // A y axis as wide as its longest label (uPlot calls this with the formatted values).
  function axisSize(u, values) {
    if (!values) return 40;
    var widest = 0;
    values.forEach(function (v) { widest = Math.max(widest, measure.measureText(String(v)).width); });
    return Math.ceil(widest) + 12;
  }
  function timeFmt(seconds) {
    var d = new Date(seconds * 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }
  function cellText(v, unit) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return unit ? fmt(v, unit) : (Number.isInteger(v) ? String(v) : trim(v, 3));
    return String(v);
  }

  // DOM ---------------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clear(p) {
    if (p.chart) { p.chart.destroy(); p.chart = null; }
    p.body.textContent = '';
    p.legend.textContent = '';
    p.chartKey = '';
  }
  function message(p, text, cls) {
    clear(p);
    p.body.appendChild(el('div', 'message ' + cls, text));
  }
  function size(p) {
    return { width: Math.max(120, p.body.clientWidth), height: Math.max(80, p.body.clientHeight) };
  }

  // Lines -------------------------------------------------------------------------------------
  function applySeries(p, frame) {
    p.line = {
      times: frame.timesMs.map(function (t) { return t / 1000; }),
      names: frame.series.map(function (s) { return s.name; }),
      values: frame.series.map(function (s) { return s.values.slice(); })
    };
  }
  function applyAppend(p, frame) {
    if (!p.line) p.line = { times: [], names: [], values: [] };
    var line = p.line;
    line.times.push(frame.timeMs / 1000);
    Object.keys(frame.values).forEach(function (name) {
      if (line.names.indexOf(name) < 0) {
        line.names.push(name);
        line.values.push(new Array(line.times.length - 1).fill(null));
      }
    });
    line.names.forEach(function (name, i) {
      var v = frame.values[name];
      line.values[i].push(v === undefined ? null : v);
    });
    var oldest = frame.timeMs / 1000 - config.windowMs / 1000;
    while (line.times.length > 0 && line.times[0] < oldest) {
      line.times.shift();
      line.values.forEach(function (vs) { vs.shift(); });
    }
  }
  function drawLine(p) {
    var line = p.line;
    var key = 'line:' + line.names.join('\u0001');
    var data = [line.times].concat(line.values);
    if (p.chartKey !== key) {
      clear(p);
      p.chartKey = key;
      var unit = p.def.unit;
      var opts = {
        width: size(p).width,
        height: size(p).height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: {
          x: { time: true },
          y: {
            range: function (u, min, max) {
              if (min === null || max === null) return [0, 1];
              var lo = Math.min(0, min);
              var hi = max <= lo ? lo + 1 : max + (max - lo) * 0.08;
              return [lo, hi];
            }
          }
        },
        axes: [
          { font: AXIS_FONT, stroke: '#6b7280', size: 26, space: 80,
            grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e5e7eb', width: 1, size: 4 },
            values: function (u, splits) { return splits.map(timeFmt); } },
          { font: AXIS_FONT, stroke: '#6b7280', size: axisSize, space: 28,
            grid: { stroke: '#eef0f3', width: 1 }, ticks: { show: false },
            values: function (u, splits) { return splits.map(function (v) { return axisFmt(v, unit); }); } }
        ],
        series: [{}].concat(line.names.map(function (name, i) {
          var color = PALETTE[i % PALETTE.length];
          return { label: name, stroke: color, width: 1.6, spanGaps: false,
            fill: line.names.length === 1 ? color + '14' : undefined,
            points: { show: false }, value: function (u, v) { return fmt(v, unit); } };
        }))
      };
      p.chart = new uPlot(opts, data, p.body);
      if (line.names.length === 0) {
        p.body.appendChild(el('div', 'message overlay', p.def.waiting));
      }
    } else {
      p.chart.setData(data);
    }
    drawLegend(p, line.names, line.values.map(function (vs) {
      for (var i = vs.length - 1; i >= 0; i--) if (vs[i] !== null) return vs[i];
      return null;
    }));
    // The legend may have changed height after the chart was made: fit the chart to what is left.
    var s = size(p);
    if (p.chart.width !== s.width || p.chart.height !== s.height) p.chart.setSize(s);
  }
  function drawLegend(p, names, lastValues) {
    p.legend.textContent = '';
    names.forEach(function (name, i) {
      var chip = el('span', 'chip');
      var dot = el('i');
      dot.style.background = PALETTE[i % PALETTE.length];
      chip.appendChild(dot);
      chip.appendChild(el('span', 'chip-name', shorten(name, 170)));
      chip.appendChild(el('b', null, fmt(lastValues[i], p.def.unit)));
      chip.title = name;
      p.legend.appendChild(chip);
    });
    // Two lines at most: chips that do not fit become "+N more" (names in its tooltip).
    var hidden = [];
    while (p.legend.scrollHeight > p.legend.clientHeight + 1 && p.legend.children.length > 1) {
      var last = p.legend.lastChild;
      if (last.className === 'chip more') { p.legend.removeChild(last); continue; }
      hidden.unshift(last.title);
      p.legend.removeChild(last);
      var more = el('span', 'chip more', '+' + hidden.length + ' more');
      more.title = hidden.join('\n');
      p.legend.appendChild(more);
    }
  }

  // Bars (horizontal: labels on the left, values at the bar ends) -------------------------------
  function drawBars(p, frame) {
    var labels = frame.labels;
    var values = frame.values;
    var unit = p.def.unit;
    var idx = labels.map(function (_, i) { return i; });
    var key = 'bars:' + labels.length;
    var widest = labels.reduce(function (w, l) { return Math.max(w, measure.measureText(l).width); }, 0);
    var labelSize = Math.min(Math.ceil(widest) + 14, Math.round(size(p).width * 0.42));
    p.bars = { labels: labels, values: values };
    if (p.chartKey !== key || p.labelSize !== labelSize) {
      clear(p);
      p.chartKey = key;
      p.labelSize = labelSize;
      var opts = {
        width: size(p).width,
        height: size(p).height,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, ori: 1, dir: 1,
            range: function () { return [-0.5, p.bars.labels.length - 0.5]; } },
          y: { ori: 0, dir: 1,
            range: function (u, min, max) { return [0, max > 0 ? max * 1.18 : 1]; } }
        },
        axes: [
          { scale: 'x', side: 3, font: AXIS_FONT, stroke: '#374151', size: labelSize, gap: 6,
            grid: { show: false }, ticks: { show: false },
            splits: function () { return p.bars.labels.map(function (_, i) { return i; }); },
            values: function (u, splits) {
              return splits.map(function (i) { return shorten(p.bars.labels[i] || '', labelSize - 10); });
            } },
          { scale: 'y', side: 2, font: AXIS_FONT, stroke: '#6b7280', size: 24, space: 60,
            grid: { stroke: '#eef0f3', width: 1 }, ticks: { show: false },
            values: function (u, splits) { return splits.map(function (v) { return axisFmt(v, unit); }); } }
        ],
        series: [{}, { label: p.def.title, fill: PALETTE[0] + 'cc', stroke: PALETTE[0], width: 0,
          points: { show: false }, paths: uPlot.paths.bars({ size: [0.72, 26], align: 0 }) }],
        hooks: { draw: [function (u) {
          var c = u.ctx;
          c.save();
          c.font = (11 * uPlot.pxRatio) + 'px system-ui, sans-serif';
          c.textBaseline = 'middle';
          var pad = 5 * uPlot.pxRatio;
          var zero = u.valToPos(0, 'y', true);
          p.bars.values.forEach(function (v, i) {
            var x = u.valToPos(v, 'y', true);
            var y = u.valToPos(i, 'x', true);
            var text = fmt(v, unit);
            // Inside the bar when it fits, else just past its end.
            var inside = x - zero > c.measureText(text).width + 2 * pad;
            c.fillStyle = inside ? '#ffffff' : '#111827';
            c.textAlign = inside ? 'right' : 'left';
            c.fillText(text, inside ? x - pad : x + pad, y);
          });
          c.restore();
        }] }
      };
      p.chart = new uPlot(opts, [idx, values], p.body);
    } else {
      p.chart.setData([idx, values]);
    }
  }
  // Cuts the middle, not the end: names often differ only at the end (a job's suffix).
  function shorten(text, maxWidth) {
    if (measure.measureText(text).width <= maxWidth) return text;
    var head = Math.ceil(text.length / 2);
    var tail = text.length - head;
    var out = text;
    while (head + tail > 2) {
      if (head > tail) head--; else tail--;
      out = text.slice(0, head) + '…' + text.slice(text.length - tail);
      if (measure.measureText(out).width <= maxWidth) break;
    }
    return out;
  }

  // Tables and numbers --------------------------------------------------------------------------
  function drawTable(p, frame) {
    clear(p);
    var wrap = el('div', 'table-wrap');
    var table = el('table');
    var head = el('tr');
    frame.columns.forEach(function (c) { head.appendChild(el('th', null, c)); });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el('tbody');
    var valueFrom = p.def.source === 'metric' ? p.def.labelColumns : frame.columns.length;
    frame.rows.forEach(function (row) {
      var tr = el('tr');
      row.forEach(function (v, i) {
        var td = el('td', typeof v === 'number' ? 'num' : null,
          cellText(v, i >= valueFrom ? p.def.unit : ''));
        td.title = v === null ? '' : String(v);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    p.body.appendChild(wrap);
  }
  function drawNumber(p, frame) {
    clear(p);
    var box = el('div', 'number');
    box.appendChild(el('div', 'number-value', fmt(frame.value, p.def.unit)));
    p.body.appendChild(box);
  }

  // Frames ------------------------------------------------------------------------------------
  function apply(p, frame) {
    p.kind = frame.kind;
    p.updates += 1;
    p.last = frame;
    p.el.dataset.kind = frame.kind;
    p.el.dataset.updates = String(p.updates);
    if (frame.kind === 'series' || frame.kind === 'append') {
      if (frame.kind === 'series') applySeries(p, frame); else applyAppend(p, frame);
      drawLine(p);
    } else if (frame.kind === 'bars') {
      if (frame.labels.length === 0) message(p, 'No data yet', 'empty'); else drawBars(p, frame);
    } else if (frame.kind === 'table') {
      drawTable(p, frame);
    } else if (frame.kind === 'number') {
      drawNumber(p, frame);
    } else if (frame.kind === 'empty') {
      message(p, frame.message, 'empty');
    } else {
      message(p, frame.message, 'error');
    }
  }
  function onFrame(frame) {
    frames += 1;
    document.body.dataset.frames = String(frames);
    Object.keys(frame.panels).forEach(function (id) {
      var p = panels[id];
      if (p) apply(p, frame.panels[id]);
    });
    var t = new Date(frame.timeMs);
    statusEl.className = 'status live';
    statusEl.textContent = 'live · ' + t.toLocaleTimeString();
  }

  config.panels.forEach(function (def) {
    var root = document.querySelector('[data-panel="' + def.id + '"]');
    panels[def.id] = {
      def: def, el: root, body: root.querySelector('.panel-body'),
      legend: root.querySelector('.legend'), chart: null, chartKey: '', kind: 'waiting',
      updates: 0, line: null, bars: null, last: null
    };
    new ResizeObserver(function () {
      var p = panels[def.id];
      if (p.chart) p.chart.setSize(size(p));
    }).observe(root.querySelector('.panel-body'));
  });

  function connect() {
    var source = new EventSource(config.streamUrl);
    source.onmessage = function (e) { onFrame(JSON.parse(e.data)); };
    source.onerror = function () {
      statusEl.className = 'status down';
      statusEl.textContent = 'reconnecting…';
    };
  }
  connect();

  window.sluiceDashboard = {
    frames: function () { return frames; },
    readings: function () {
      return config.panels.map(function (def) {
        var p = panels[def.id];
        var data = p.chart ? p.chart.data : null;
        var points = data ? data[0].length : 0;
        var nonNull = 0;
        if (data) data.slice(1).forEach(function (vs) {
          vs.forEach(function (v) { if (v !== null && v !== undefined) nonNull++; });
        });
        return {
          id: def.id, title: def.title, chart: def.chart, kind: p.kind, updates: p.updates,
          points: points, nonNull: nonNull, hasChart: !!p.chart,
          signature: JSON.stringify(data || p.last)
        };
      });
    }
  };
})();
`;
