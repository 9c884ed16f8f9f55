// A job with a to-duckdb node, run through the TestDriver against a real DuckDB file: window
// results land in the table on commit, a crash repeats rows but not the latest view's answer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckdbDatabase } from '../../../src/analytics/duckdb-database.js';
import type { Topology } from '../../../src/core/topology.js';
import { parseJobText } from '../../../src/jobs/job-loader.js';
import { buildTopology } from '../../../src/jobs/topology-builder.js';
import { TestDriver } from '../../../src/runtime/test-driver.js';
import {
  bindDuckdbSinks,
  DuckdbSinkNode,
  hasDuckdbSinks,
} from '../../../src/sinks/duckdb/duckdb-sink-node.js';
import { DuckdbSinkWriter } from '../../../src/sinks/duckdb/duckdb-sink-writer.js';

const JOB = `name: views-per-minute
source:
  topics: [user-activity]
  timestampField: ts
nodes:
  - kind: key-by
    name: by-category
    key: category
  - kind: window
    name: per-minute
    window: { type: tumbling, size: 1m }
    aggregations:
      views: { fn: count }
      items: { fn: top-k, of: item_id, k: 2 }
    emit: update
  - kind: to-duckdb
    name: to-db
    table: views_minutely
  - kind: to-topic
    name: out
    topic: views-out
`;

function topology(): Topology {
  const { spec, problems } = parseJobText(JOB, 'views.yaml');
  expect(problems).toEqual([]);
  return buildTopology(spec!);
}

const view = (category: string, item: string, ts: number) => ({
  key: 'u1',
  value: { category, item_id: item, ts },
  timestampMs: ts,
});

let dir: string;
let database: DuckdbDatabase;
let writer: DuckdbSinkWriter;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-node-'));
  database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
  writer = await DuckdbSinkWriter.open(database.instance);
});

afterEach(async () => {
  await writer.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const connection = await database.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

describe('to-duckdb in a job', () => {
  it('is built unbound from the job file and bound by bindDuckdbSinks', () => {
    const built = topology();
    expect(hasDuckdbSinks([built])).toBe(true);
    const node = built.subtopologies[1]!.nodes[1]!;
    expect(node).toBeInstanceOf(DuckdbSinkNode);
    expect(node.kind).toBe('to-duckdb');
    const [bound] = bindDuckdbSinks([built], writer);
    expect(hasDuckdbSinks([bound!])).toBe(false);
    expect(bound!.subtopologies[1]!.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'window:per-minute',
      'to-duckdb:to-db',
      'to-topic:out',
    ]);
    // Nodes that are not DuckDB sinks are the same objects.
    expect(bound!.subtopologies[1]!.nodes[0]).toBe(built.subtopologies[1]!.nodes[0]);
  });

  it('fails at task start, with a reason, when run unbound', async () => {
    const driver = new TestDriver(topology());
    // The repartitioned record opens the window sub-topology's task, whose init throws.
    await expect(driver.pipe('user-activity', [view('books', 'b1', 1_000)])).rejects.toThrow(
      /node to-db \(to-duckdb\) has no DuckDB file/,
    );
  });

  it('appends window results on commit, passes records on, and serves the newest in the view', async () => {
    const [bound] = bindDuckdbSinks([topology()], writer);
    const driver = new TestDriver(bound!);
    driver.clock.set(1_700_000_000_000);
    await driver.pipe('user-activity', [
      view('books', 'b1', 1_000),
      view('books', 'b2', 2_000),
      view('games', 'g1', 3_000),
      view('books', 'b1', 61_000),
    ]);
    expect(driver.outputs('views-out')).toHaveLength(4);
    expect(await rows('SELECT count(*) AS n FROM duckdb_tables()')).toEqual([{ n: 0n }]);
    await driver.commit();
    expect(
      await rows(
        `SELECT key, startMs, endMs, views, items::VARCHAR AS items, epoch_ms(_ingested_at) AS at
         FROM views_minutely ORDER BY _seq`,
      ),
    ).toEqual([
      // Two versions of books@0 in one commit interval: only the newest is appended.
      {
        key: 'books',
        startMs: 0n,
        endMs: 60_000n,
        views: 2n,
        items: '[{"value":"b1","count":1},{"value":"b2","count":1}]',
        at: 1_700_000_000_000n,
      },
      {
        key: 'games',
        startMs: 0n,
        endMs: 60_000n,
        views: 1n,
        items: '[{"value":"g1","count":1}]',
        at: 1_700_000_000_000n,
      },
      {
        key: 'books',
        startMs: 60_000n,
        endMs: 120_000n,
        views: 1n,
        items: '[{"value":"b1","count":1}]',
        at: 1_700_000_000_000n,
      },
    ]);
    await driver.close();
  });

  it('after a crash, repeats rows in the table but not in <table>_latest (at-least-once)', async () => {
    // One sub-topology (records keyed by category already), and a sink that appends every row
    // at once, as it does when maxBufferedRows fills up between commits.
    const built = buildTopology(
      parseJobText(JOB.replace(/ {2}- kind: key-by\n.*\n.*\n/, ''), 'views.yaml').spec!,
    );
    const eager = new DuckdbSinkNode('to-db', { table: 'views_minutely', maxBufferedRows: 1 });
    const sub = built.subtopologies[0]!;
    const bound: Topology = {
      ...built,
      subtopologies: [
        { ...sub, nodes: sub.nodes.map((n) => (n.name === 'to-db' ? eager.bind(writer) : n)) },
      ],
    };
    const driver = new TestDriver(bound);
    const byCategory = (item: string, ts: number) => ({ ...view('books', item, ts), key: 'books' });
    await driver.pipe('user-activity', [byCategory('b1', 1_000), byCategory('b2', 2_000)]);
    await driver.commit();
    await driver.pipe('user-activity', [byCategory('b3', 3_000)]);
    // The writer runs appends in order: this one ends after the b3 row is in DuckDB.
    await writer.append('views_minutely', []);
    // The process dies before committing: b3 is delivered again and its row appended again.
    await driver.restart();
    await driver.commit();
    const all = await rows('SELECT views FROM views_minutely ORDER BY _seq');
    expect(all.map((r) => r.views)).toEqual([1n, 2n, 3n, 3n]);
    expect(await rows('SELECT key, views FROM views_minutely_latest')).toEqual([
      { key: 'books', views: 3n },
    ]);
    await driver.close();
  });

  it('refuses reserved or case-colliding columns and latestBy outside the declared columns', () => {
    expect(
      () =>
        new DuckdbSinkNode('to-db', {
          table: 'x',
          columns: { _seq: 'BIGINT', a: 'BIGINT', A: 'VARCHAR' },
          latestBy: ['b'],
        }),
    ).toThrow(
      'node to-db (to-duckdb): column "_seq" is reserved by Sluice; columns differ only in case at "A" (DuckDB names ignore case); latestBy column "b" is not among the declared columns',
    );
  });

  it('is refused by the job schema with a bad table name', () => {
    const text = JOB.replace('table: views_minutely', 'table: Views-Minutely');
    expect(parseJobText(text, 'views.yaml').problems.length).toBeGreaterThan(0);
  });
});
