// SQL results to panel frames: column positions per chart, JSON-safe cells, and the empty state
// for a table that does not exist yet.
import { describe, expect, it } from 'vitest';
import { parseDashboardText } from '../../../src/api/dashboards/dashboard-loader.js';
import type { SqlPanelSpec } from '../../../src/api/dashboards/dashboard-spec.js';
import {
  sqlErrorFrame,
  sqlPanelFrame,
  toCell,
} from '../../../src/api/dashboards/sql-panel-frame.js';

function panel(chart: string, extra = ''): SqlPanelSpec {
  const { spec, problems } = parseDashboardText(
    `name: t\ntitle: T\npanels:\n  - { title: P, sql: SELECT 1, chart: ${chart}${extra} }\n`,
    'dashboards/t.yaml',
  );
  expect(problems).toEqual([]);
  return spec!.panels[0] as SqlPanelSpec;
}

const cols = (...names: string[]) => names.map((name) => ({ name, type: 'BIGINT' }));

describe('sqlPanelFrame', () => {
  it('line: first column time (sorted), other columns series', () => {
    expect(
      sqlPanelFrame(panel('line'), {
        columns: cols('minute', 'alerts', 'txns'),
        rows: [
          [120_000n, 3n, 10],
          [60_000n, 1n, null],
          ['not a time', 1, 1],
        ],
      }),
    ).toEqual({
      kind: 'series',
      timesMs: [60_000, 120_000],
      series: [
        { name: 'alerts', values: [1, 3] },
        { name: 'txns', values: [null, 10] },
      ],
    });
  });

  it('bar, number and table', () => {
    const result = {
      columns: cols('reason', 'n'),
      rows: [
        ['geo', 5n],
        ['device', 2],
      ],
    };
    expect(sqlPanelFrame(panel('bar', ', limit: 1'), result)).toEqual({
      kind: 'bars',
      labels: ['geo'],
      values: [5],
    });
    expect(sqlPanelFrame(panel('table'), result)).toEqual({
      kind: 'table',
      columns: ['reason', 'n'],
      rows: [
        ['geo', 5],
        ['device', 2],
      ],
    });
    expect(sqlPanelFrame(panel('number'), { columns: cols('c'), rows: [[42n]] })).toEqual({
      kind: 'number',
      value: 42,
    });
    expect(sqlPanelFrame(panel('number'), { columns: cols('c'), rows: [] })).toEqual({
      kind: 'number',
      value: null,
    });
    expect(sqlPanelFrame(panel('number'), { columns: cols('c'), rows: [['abc']] })).toMatchObject({
      kind: 'error',
    });
    expect(sqlPanelFrame(panel('bar'), { columns: cols('c'), rows: [[1]] })).toMatchObject({
      kind: 'error',
    });
    expect(sqlPanelFrame(panel('table'), { columns: cols('c'), rows: [] })).toEqual({
      kind: 'empty',
      message: 'No rows yet',
    });
  });

  it('turns a missing table into an empty state and other failures into a message', () => {
    expect(
      sqlErrorFrame(
        new Error('Catalog Error: Table with name fraud_alerts does not exist!\nDid you mean "x"?'),
      ),
    ).toEqual({
      kind: 'empty',
      message:
        'No data yet: table fraud_alerts does not exist. It appears once the job that writes it (a to-duckdb sink) has run.',
    });
    expect(sqlErrorFrame(new Error('Parser Error: syntax error at "FRM"\nLINE 1'))).toEqual({
      kind: 'error',
      message: 'Parser Error: syntax error at "FRM"',
    });
  });

  it('makes cells JSON-safe', () => {
    expect(toCell(2n ** 60n)).toBe('1152921504606846976');
    expect(toCell(-5n)).toBe(-5);
    expect(toCell(Number.NaN)).toBeNull();
    expect(toCell(undefined)).toBeNull();
    expect(toCell(['a', 1n])).toBe('a, 1');
    expect(toCell({ items: ['x', 'y'] })).toBe('x, y');
    expect(toCell(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(toCell({ toString: () => '12:00' })).toBe('12:00');
  });
});
