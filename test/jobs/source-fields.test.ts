import { describe, expect, it } from 'vitest';
import { parseJobText } from '../../src/jobs/job-loader.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { sourceReadFields } from '../../src/jobs/source-fields.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';

function spec(nodes: string, source = 'topics: [in]\n  timestampField: ts'): JobSpec {
  const { spec: parsed, problems } = parseJobText(
    `name: j\nsource:\n  ${source}\nnodes:\n${nodes}`,
    'j.yaml',
  );
  expect(problems).toEqual([]);
  return parsed!;
}

const WINDOW = `  - kind: window
    name: w
    window: { type: tumbling, size: 1m }
    aggregations:
      n: { fn: count }
      total: { fn: sum, of: amount }
      big: { fn: max, of: 'price * qty' }
      city: { fn: last, of: address.city }
`;

describe('sourceReadFields', () => {
  it('collects the fields up to the first window: event time, aggregations, expressions, paths', () => {
    expect(sourceReadFields(spec(WINDOW))).toEqual(['address', 'amount', 'price', 'qty', 'ts']);
  });

  it('adds what filters and derives read, and the declared source fields', () => {
    const nodes = `  - kind: filter
    name: f
    where: 'kind == "buy" and abs(delta) > 2'
  - kind: derive
    name: d
    fields:
      net: 'gross - fee'
${WINDOW}`;
    expect(
      sourceReadFields(spec(nodes, 'topics: [in]\n  fields: { id: string, ts: integer }')),
    ).toEqual(['address', 'amount', 'delta', 'fee', 'gross', 'id', 'kind', 'price', 'qty', 'ts']);
  });

  it('is undefined when a node passes source records on whole before a window, or there is none', () => {
    const toTopic = `  - kind: to-topic\n    name: out\n    topic: t\n`;
    const keyBy = `  - kind: key-by\n    name: k\n    key: user\n`;
    expect(sourceReadFields(spec(toTopic + WINDOW))).toBeUndefined();
    expect(sourceReadFields(spec(keyBy + WINDOW))).toBeUndefined();
    expect(
      sourceReadFields(spec(`  - kind: filter\n    name: f\n    where: 'a > 1'\n`)),
    ).toBeUndefined();
  });

  it('lets nodes after the window (which see its results) read anything', () => {
    expect(
      sourceReadFields(spec(WINDOW + `  - kind: to-topic\n    name: out\n    topic: t\n`)),
    ).toEqual(['address', 'amount', 'price', 'qty', 'ts']);
  });

  it('is set on the first sub-topology of the built topology only', () => {
    const keyBy = `  - kind: key-by\n    name: k\n    key: n\n`;
    const after = `  - kind: window\n    name: w2\n    window: { type: tumbling, size: 1h }\n    aggregations: { n: { fn: count } }\n`;
    const topology = buildTopology(spec(WINDOW + keyBy + after));
    expect(topology.subtopologies.map((s) => s.sourceFields)).toEqual([
      ['address', 'amount', 'price', 'qty', 'ts'],
      undefined,
    ]);
  });
});
