// The dashboards contract: every metric a shipped dashboard names exists in METRICS with the
// labels it uses, and every table a SQL panel reads is written by a shipped job — a `to-duckdb`
// node's `table` in jobs/*.yaml (its `<table>_latest` view included). A table no shipped job
// writes yet is listed below with the job expected to write it: its check is skipped (with that
// note), not failed, until the job ships; a table with no expected producer fails. The SQL
// panels also run on DuckDB against the table shapes those producers are expected to write.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDashboards } from '../../../src/api/dashboards/dashboard-loader.js';
import type { SqlPanelSpec } from '../../../src/api/dashboards/dashboard-spec.js';
import { sqlPanelFrame } from '../../../src/api/dashboards/sql-panel-frame.js';
import { METRICS } from '../../../src/metrics/metric-names.js';

/** Tables dashboards read that no shipped job may write yet: who is expected to, and its shape. */
const EXPECTED_PRODUCERS: Readonly<Record<string, { producer: string; ddl: string }>> = {
  fraud_alerts: {
    producer:
      'the fraud job (jobs/fraud*.yaml): a to-duckdb node with table fraud_alerts on its alerts',
    ddl: `CREATE TABLE fraud_alerts (txn_id VARCHAR, account_id VARCHAR, card_id VARCHAR,
      score DOUBLE, reasons JSON, ts BIGINT, emitted_at BIGINT)`,
  },
  activity_minutely: {
    producer:
      'jobs/activity-metrics.yaml: a to-duckdb node with table activity_minutely after the per-minute window',
    ddl: `CREATE TABLE activity_minutely (key VARCHAR, startMs BIGINT, endMs BIGINT, events BIGINT,
      views BIGINT, carts BIGINT, purchases BIGINT, revenue DOUBLE, buyers BIGINT, top_items JSON)`,
  },
  activity_minutely_latest: {
    producer: 'the view of activity_minutely (to-duckdb latestBy default [key, startMs])',
    ddl: 'CREATE VIEW activity_minutely_latest AS SELECT * FROM activity_minutely',
  },
  item_neighbours: {
    producer:
      'jobs/recommendations.yaml: a to-duckdb node writing item_id and neighbours (count) per item',
    ddl: 'CREATE TABLE item_neighbours (item_id VARCHAR, neighbours BIGINT)',
  },
  item_neighbours_latest: {
    producer: 'the view of item_neighbours (to-duckdb latestBy [item_id])',
    ddl: 'CREATE VIEW item_neighbours_latest AS SELECT * FROM item_neighbours',
  },
};

/** Tables (and their `_latest` views) that to-duckdb nodes of jobs/*.yaml write. */
async function tablesWrittenByJobs(): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  for (const name of (await readdir('jobs')).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(await readFile(join('jobs', name), 'utf8')) as { nodes?: unknown };
    const nodes = Array.isArray(doc?.nodes) ? (doc.nodes as Array<Record<string, unknown>>) : [];
    for (const node of nodes) {
      if (node.kind !== 'to-duckdb' || typeof node.table !== 'string') continue;
      written.set(node.table, `jobs/${name}`);
      const latestBy = node.latestBy;
      if (!(Array.isArray(latestBy) && latestBy.length === 0)) {
        written.set(`${node.table}_latest`, `jobs/${name}`);
      }
    }
  }
  return written;
}

/** Every metric name each dashboard file names, read from the raw YAML. */
async function metricsNamed(): Promise<Array<{ file: string; metric: string; labels: string[] }>> {
  const out: Array<{ file: string; metric: string; labels: string[] }> = [];
  for (const name of (await readdir('dashboards')).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(await readFile(join('dashboards', name), 'utf8')) as {
      panels: Array<Record<string, unknown>>;
    };
    for (const panel of doc.panels) {
      if (typeof panel.metric !== 'string') continue;
      const by = panel.by === undefined ? [] : [panel.by].flat().map(String);
      const where = Object.keys((panel.where as Record<string, unknown> | undefined) ?? {});
      out.push({ file: name, metric: panel.metric, labels: [...by, ...where] });
    }
  }
  return out;
}

const loaded = await loadDashboards('dashboards');
const sqlPanels = loaded.dashboards.flatMap((d) =>
  d.panels
    .filter((p): p is SqlPanelSpec => p.source === 'sql')
    .map((panel) => ({ dashboard: d.name, panel })),
);
const tablesRead = [...new Set(sqlPanels.flatMap((s) => s.panel.tables))].sort();
const written = await tablesWrittenByJobs();

describe('dashboards contract', () => {
  it('the shipped dashboards load', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.dashboards.map((d) => d.name)).toEqual(['fraud', 'overview', 'recommendations']);
  });

  it('every metric a dashboard names is declared in METRICS, with the labels it uses', async () => {
    const declared = new Map(
      Object.values(METRICS).map((m) => [m.name as string, m.labels as readonly string[]]),
    );
    const named = await metricsNamed();
    expect(named.length).toBeGreaterThan(10);
    for (const { file, metric, labels } of named) {
      expect(declared.has(metric), `${file}: ${metric}`).toBe(true);
      for (const label of labels)
        expect(declared.get(metric), `${file}: ${metric} label ${label}`).toContain(label);
    }
  });

  it('every table a SQL panel reads has a producer: a shipped job or an expected one', () => {
    expect(tablesRead.length).toBeGreaterThan(0);
    const orphans = tablesRead.filter(
      (t) => !written.has(t) && EXPECTED_PRODUCERS[t] === undefined,
    );
    expect(orphans, 'tables no job writes and no job is expected to write').toEqual([]);
  });

  for (const table of tablesRead) {
    const expected = EXPECTED_PRODUCERS[table]?.producer ?? 'none';
    it(`table ${table} is written by a shipped job (expected: ${expected})`, (ctx) => {
      if (!written.has(table))
        ctx.skip(`no shipped job writes ${table} yet; expected producer: ${expected}`);
      expect(written.get(table)).toMatch(/^jobs\//);
    });
  }

  it('every SQL panel runs on DuckDB over the expected table shapes and fits its chart', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      for (const table of Object.keys(EXPECTED_PRODUCERS)) {
        await connection.run(EXPECTED_PRODUCERS[table]!.ddl);
      }
      await connection.run(`INSERT INTO fraud_alerts VALUES
        ('t1', 'a1', 'c1', 0.91, '["new-device","geo-velocity"]', 1700000000000, 1700000000500),
        ('t2', 'a2', 'c2', 1.0, '["card-testing"]', 1700000060000, 1700000060400)`);
      await connection.run(`INSERT INTO activity_minutely VALUES
        ('books', 1700000000000, 1700000060000, 12, 9, 2, 1, 19.5, 4,
         '[{"value":"i1","count":5},{"value":"i2","count":3}]')`);
      await connection.run("INSERT INTO item_neighbours VALUES ('i1', 3), ('i2', 0)");
      for (const { dashboard, panel } of sqlPanels) {
        const reader = await connection.runAndReadAll(panel.sql);
        const frame = sqlPanelFrame(panel, {
          columns: reader.columnNames().map((name) => ({ name, type: 'ANY' })),
          rows: reader.getRowsJS(),
        });
        expect(frame.kind, `${dashboard}: ${panel.title}: ${JSON.stringify(frame)}`).not.toMatch(
          /error|empty/,
        );
      }
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
