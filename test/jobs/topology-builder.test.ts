import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../src/core/record.js';
import { job } from '../../src/jobs/job-builder.js';
import { JobValidationError } from '../../src/jobs/job-problem.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { buildTopology, DEFAULT_MAX_RECORD_BYTES } from '../../src/jobs/topology-builder.js';
import { RecordingContext, streamRecord } from '../operators/recording-context.js';

const twoStage = (): JobSpec =>
  job('views')
    .from({ topics: ['user-activity', 'more-activity'], timestampField: 'ts' })
    .filter('only-views', 'event_type == "view"')
    .toTopic('raw-views', 'views-raw')
    .keyBy('by-item', 'item_id', { partitions: 4 })
    .window('per-minute', {
      window: { type: 'tumbling', size: '1m' },
      aggregations: {
        views: { fn: 'count' },
        users: { fn: 'distinct-count', of: 'user_id', limit: 100 },
      },
      store: { name: 'views-store', queryable: true },
    })
    .toTopic('out', 'views-per-minute')
    .build();

describe('buildTopology', () => {
  it('splits the chain after a key-by; the next sub-topology reads its repartition topic', () => {
    const topology = buildTopology(twoStage());
    expect(topology.job).toBe('views');
    expect(topology.deadLetterTopic).toBe('views-dlq');
    expect(topology.timestampField).toBe('ts');
    expect(topology.startFrom).toBe('earliest');
    expect(topology.maxRecordBytes).toBe(DEFAULT_MAX_RECORD_BYTES);
    expect(
      topology.subtopologies.map((s) => ({
        id: s.id,
        sources: s.sourceTopics,
        internal: s.internalSource,
        nodes: s.nodes.map((n) => `${n.kind}:${n.name}`),
      })),
    ).toEqual([
      {
        id: 0,
        sources: ['user-activity', 'more-activity'],
        internal: false,
        nodes: ['filter:only-views', 'to-topic:raw-views', 'key-by:by-item'],
      },
      {
        id: 1,
        sources: ['views-by-item-repartition'],
        internal: true,
        nodes: ['window:per-minute', 'to-topic:out'],
      },
    ]);
  });

  it('declares output topics and stores', () => {
    const [first, second] = buildTopology(twoStage()).subtopologies;
    const keyBy = first!.nodes[2]!;
    expect(keyBy.outputTopics).toEqual([
      {
        name: 'views-by-item-repartition',
        partitions: 4,
        config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
      },
    ]);
    expect(first!.nodes[1]!.outputTopics).toEqual([{ name: 'views-raw' }]);
    const window = second!.nodes[0]!;
    expect(window.stores).toHaveLength(1);
    expect(window.stores[0]).toMatchObject({
      name: 'views-store',
      kind: 'window',
      queryable: true,
    });
    expect(first!.nodes.every((n) => n.stores.length === 0)).toBe(true);
  });

  it('keeps the job options: dead-letter topic, start position, size limit', () => {
    const spec = twoStage();
    spec.deadLetterTopic = 'bad-views';
    spec.source.startFrom = 'latest';
    spec.source.maxRecordBytes = 1000;
    delete spec.source.timestampField;
    const topology = buildTopology(spec);
    expect(topology).toMatchObject({
      deadLetterTopic: 'bad-views',
      startFrom: 'latest',
      maxRecordBytes: 1000,
    });
    expect('timestampField' in topology).toBe(false);
  });

  it('creates working processors: filter → derive → to-topic → key-by', () => {
    const spec = job('flow')
      .from({ topics: ['in'] })
      .filter('big', 'amount > 100')
      .derive('cents', { cents: 'amount * 100' })
      .toTopic('copy', 'copies')
      .keyBy('by-user', 'user')
      .toTopic('after', 'after')
      .build();
    const [sub] = buildTopology(spec).subtopologies;
    const processors = sub!.nodes.map((n) => ({ node: n.name, processor: n.create() }));
    const ctxs = processors.map((p) => new RecordingContext(p.node));
    const push = (record: StreamRecord, i = 0): void => {
      const ctx = ctxs[i]!;
      const before = ctx.forwarded.length;
      processors[i]!.processor.process(record, ctx);
      for (const next of ctx.forwarded.slice(before))
        if (i + 1 < processors.length) push(next, i + 1);
    };
    push(streamRecord({ amount: 150, user: 'u1' }, { key: 'x', timestampMs: 5 }));
    push(streamRecord({ amount: 50, user: 'u2' }));
    push(streamRecord({ user: 'u3' }));
    expect(ctxs[0]!.deadLetters.map((d) => d.error.code)).toEqual(['FIELD_MISSING']);
    expect(ctxs[2]!.sent).toEqual([
      {
        topic: 'copies',
        key: 'x',
        value: '{"amount":150,"user":"u1","cents":15000}',
        headers: {},
        timestampMs: 5,
      },
    ]);
    expect(ctxs[3]!.sent).toEqual([
      {
        topic: 'flow-by-user-repartition',
        key: 'u1',
        value: '{"amount":150,"user":"u1","cents":15000}',
        headers: { 'sluice-ts': '5', 'sluice-origin': '0:42:0:in' },
        timestampMs: 5,
      },
    ]);
    expect(ctxs[3]!.forwarded).toEqual([]);
  });

  it('gives every task its own processor instances', () => {
    const node = buildTopology(twoStage()).subtopologies[1]!.nodes[0]!;
    expect(node.create()).not.toBe(node.create());
  });

  it('validates a hand-made spec and lists every problem', () => {
    const spec = {
      name: 'hand-made',
      source: { topics: ['in'] },
      nodes: [
        { kind: 'filter', name: 'f', where: 'import()' },
        { kind: 'to-topic', name: 'f', topic: 'out' },
      ],
    } as JobSpec;
    expect(() => buildTopology(spec)).toThrow(JobValidationError);
    try {
      buildTopology(spec);
    } catch (err) {
      expect((err as JobValidationError).problems.map((p) => p.path)).toEqual([
        'nodes[0].where',
        'nodes[1].name',
      ]);
    }
  });
});
