import { describe, expect, it } from 'vitest';
import { job } from '../../src/jobs/job-builder.js';
import { JobValidationError } from '../../src/jobs/job-problem.js';
import { parseJobText } from '../../src/jobs/job-loader.js';

describe('job builder', () => {
  it('builds the same spec as the equivalent job file', () => {
    const built = job('big-spenders')
      .description('Large foreign spend per account and minute')
      .from({ topics: ['transactions'], timestampField: 'ts' })
      .filter('only-big', 'amount > 100 and country != home_country')
      .derive('enrich', { cents: 'round(amount * 100)' })
      .keyBy('by-account', 'account_id', { partitions: 6 })
      .window('per-minute', {
        window: { type: 'tumbling', size: '1m', grace: '10s' },
        aggregations: { n: { fn: 'count' }, total: { fn: 'sum', of: 'amount' } },
        emit: 'final',
      })
      .toTopic('out', 'big-spenders-per-minute')
      .build();
    const fromFile = parseJobText(
      `name: big-spenders
description: Large foreign spend per account and minute
source: { topics: [transactions], timestampField: ts }
nodes:
  - { kind: filter, name: only-big, where: amount > 100 and country != home_country }
  - { kind: derive, name: enrich, fields: { cents: round(amount * 100) } }
  - { kind: key-by, name: by-account, key: account_id, partitions: 6 }
  - kind: window
    name: per-minute
    window: { type: tumbling, size: 1m, grace: 10s }
    aggregations: { n: { fn: count }, total: { fn: sum, of: amount } }
    emit: final
  - { kind: to-topic, name: out, topic: big-spenders-per-minute }
`,
      'big-spenders.yaml',
    );
    expect(fromFile.problems).toEqual([]);
    expect(built).toEqual(fromFile.spec);
  });

  it('validates like a file and reports every problem, with the column inside an expression', () => {
    const builder = job('Bad')
      .from({ topics: ['in'] })
      .filter('f', 'amount > 100 and evaluate("1")')
      .filter('f', 'x')
      .window('w', {
        window: { type: 'hopping', size: '1m', advance: '2m' },
        aggregations: { s: { fn: 'sum' } },
      });
    try {
      builder.build();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(JobValidationError);
      const problems = (err as JobValidationError).problems.map((p) => `${p.path}: ${p.message}`);
      expect(problems).toEqual([
        'name: job name "Bad" must use only a-z, 0-9 and "-" (and start with a letter or digit)',
        'nodes[0].where: column 18: function "evaluate" is not allowed: it could change mathjs or run other code',
        'nodes[1].name: duplicate node name "f" (also nodes[0])',
        'nodes[2].window.advance: advance (120000 ms) must not exceed size (60000 ms)',
        'nodes[2].aggregations.s.of: sum needs "of": the field or expression to aggregate',
      ]);
      expect((err as JobValidationError).code).toBe('JOB_INVALID');
    }
  });

  it('requires a source', () => {
    expect(() => job('x').toTopic('out', 'o').build()).toThrow(/source: required field is missing/);
  });

  it('copies its inputs: later changes to the caller objects do not leak in', () => {
    const fields = { a: '1' };
    const builder = job('copy')
      .from({ topics: ['in'] })
      .derive('d', fields)
      .toTopic('o', 'o');
    fields.a = 'import()';
    const spec = builder.build();
    expect(spec.nodes[0]).toEqual({ kind: 'derive', name: 'd', fields: { a: '1' } });
    spec.nodes.pop();
    expect(builder.build().nodes).toHaveLength(2);
  });
});
