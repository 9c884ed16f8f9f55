// The SSE fan-out: a page gets a snapshot when it subscribes, then one update per tick while it
// stays; with nobody watching, metrics are still sampled (history for the next page) but
// nothing is sent. Ticks are driven by hand with a manual clock.
import { describe, expect, it } from 'vitest';
import { parseDashboardText } from '../../../src/api/dashboards/dashboard-loader.js';
import type { DashboardFrame } from '../../../src/api/dashboards/dashboard-frame.js';
import { DashboardSampler } from '../../../src/api/dashboards/dashboard-sampler.js';
import { DashboardStream } from '../../../src/api/dashboards/dashboard-stream.js';
import { ManualClock } from '../../../src/core/clock.js';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry.js';

const spec = parseDashboardText(
  'name: d\ntitle: D\npanels:\n  - { title: In, metric: sluice_records_in_total, chart: line }\n',
  'dashboards/d.yaml',
).spec!;

/** The frames in a client's received text (`data: <json>` events). */
function framesOf(texts: readonly string[]): DashboardFrame[] {
  return texts.map((t) => {
    expect(t).toMatch(/^data: .*\n\n$/s);
    return JSON.parse(t.slice(6)) as DashboardFrame;
  });
}

describe('DashboardStream', () => {
  it('sends a snapshot with the history sampled so far, then updates until unsubscribed', () => {
    const metrics = new MetricsRegistry();
    const clock = new ManualClock(1000);
    const stream = new DashboardStream([new DashboardSampler(spec, { metrics })], clock);
    metrics.counter('recordsIn', { job: 'j' }).inc(5);
    stream.tick('d'); // nobody watching: sampled, not sent
    clock.advance(1000);
    metrics.counter('recordsIn', { job: 'j' }).inc(5);
    stream.tick('d');

    const received: string[] = [];
    const unsubscribe = stream.subscribe('d', { send: (text) => received.push(text) });
    expect(framesOf(received)).toEqual([
      {
        type: 'snapshot',
        timeMs: 2000,
        panels: {
          p0: {
            kind: 'series',
            timesMs: [1000, 2000],
            series: [{ name: 'total', values: [5, 10] }],
          },
        },
      },
    ]);
    clock.advance(1000);
    stream.tick('d');
    expect(framesOf(received.slice(1))).toEqual([
      {
        type: 'update',
        timeMs: 3000,
        panels: { p0: { kind: 'append', timeMs: 3000, values: { total: 10 } } },
      },
    ]);
    unsubscribe!();
    stream.tick('d');
    expect(received).toHaveLength(2);
    expect(stream.subscribe('other', { send: () => undefined })).toBeUndefined();
  });
});
