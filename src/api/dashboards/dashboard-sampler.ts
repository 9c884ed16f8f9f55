// One dashboard's data over time: on every tick, reads its metric panels and starts the SQL
// panels that are due (only while someone watches), and returns what changed as one frame.
// The dashboard stream calls `tick` on a timer; tests call it with a manual time.

import type { DashboardFrame, PanelFrame } from './dashboard-frame.js';
import type { DashboardSpec, SqlPanelSpec, SqlRunner } from './dashboard-spec.js';
import { MetricPanelSampler, type MetricSources } from './metric-panel-sampler.js';
import { SQL_UNAVAILABLE, sqlErrorFrame, sqlPanelFrame } from './sql-panel-frame.js';

export interface DashboardSources extends MetricSources {
  /** Runs SQL panels' queries; without it they show "SQL not available". */
  readonly runSql?: SqlRunner;
}

interface SqlPanelState {
  readonly panel: SqlPanelSpec;
  frame: PanelFrame;
  lastRunMs: number;
  running: Promise<void> | undefined;
  /** Set when a query finished since the last tick: goes out in the next update. */
  changed: boolean;
}

export class DashboardSampler {
  private readonly metricPanels: MetricPanelSampler[] = [];
  private readonly sqlPanels: SqlPanelState[] = [];
  /** Metric panels' last refresh, ms (a panel may refresh less often than the dashboard). */
  private readonly lastMetricRefreshMs = new Map<string, number>();

  constructor(
    readonly spec: DashboardSpec,
    private readonly sources: DashboardSources,
  ) {
    for (const panel of spec.panels) {
      if (panel.source === 'metric') {
        this.metricPanels.push(new MetricPanelSampler(panel, sources, spec.windowMs));
      } else {
        this.sqlPanels.push({
          panel,
          frame: sources.runSql ? { kind: 'empty', message: 'Loading…' } : SQL_UNAVAILABLE,
          lastRunMs: Number.NEGATIVE_INFINITY,
          running: undefined,
          changed: false,
        });
      }
    }
  }

  /**
   * Samples the metric panels due at `nowMs` and, if `watched`, starts the SQL queries that
   * are due (their results go out with a later tick). Returns the panels that changed.
   */
  tick(nowMs: number, watched: boolean): DashboardFrame {
    const panels: Record<string, PanelFrame> = {};
    for (const sampler of this.metricPanels) {
      const { id, refreshMs } = sampler.panel;
      const last = this.lastMetricRefreshMs.get(id);
      if (last !== undefined && nowMs - last < refreshMs) continue;
      this.lastMetricRefreshMs.set(id, nowMs);
      const frame = sampler.tick(nowMs);
      if (frame !== undefined) panels[id] = frame;
    }
    for (const state of this.sqlPanels) {
      if (state.changed) {
        panels[state.panel.id] = state.frame;
        state.changed = false;
      }
      if (watched) this.startQuery(state, nowMs);
    }
    return { type: 'update', timeMs: nowMs, panels };
  }

  /** Every panel's current data, for a page that just connected. */
  snapshot(nowMs: number): DashboardFrame {
    const panels: Record<string, PanelFrame> = {};
    for (const sampler of this.metricPanels) panels[sampler.panel.id] = sampler.snapshot();
    for (const state of this.sqlPanels) panels[state.panel.id] = state.frame;
    return { type: 'snapshot', timeMs: nowMs, panels };
  }

  /** Resolves when no query is running (tests, shutdown). */
  async idle(): Promise<void> {
    for (const state of this.sqlPanels) if (state.running !== undefined) await state.running;
  }

  private startQuery(state: SqlPanelState, nowMs: number): void {
    const runSql = this.sources.runSql;
    if (runSql === undefined || state.running !== undefined) return;
    if (nowMs - state.lastRunMs < state.panel.refreshMs) return;
    state.lastRunMs = nowMs;
    state.running = (async (): Promise<void> => {
      let frame: PanelFrame;
      try {
        // Through a resolved promise, so a runner that throws synchronously still settles later.
        const result = await Promise.resolve().then(() => runSql(state.panel.sql));
        frame = sqlPanelFrame(state.panel, result);
      } catch (err) {
        frame = sqlErrorFrame(err);
      }
      // Unchanged results are not sent again: a page redraws only what moved.
      if (JSON.stringify(frame) !== JSON.stringify(state.frame)) state.changed = true;
      state.frame = frame;
      state.running = undefined;
    })();
  }
}
