import { describe, expect, it } from 'vitest';
import { describeTopology } from '../../src/jobs/describe-topology.js';
import { job } from '../../src/jobs/job-builder.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';

describe('describeTopology', () => {
  it('prints sub-topologies, nodes, stores and topics like Kafka Streams', () => {
    const spec = job('views')
      .from({ topics: ['user-activity'], timestampField: 'ts' })
      .filter('only-views', 'event_type == "view"')
      .keyBy('by-item', 'item_id')
      .window('per-minute', {
        window: { type: 'tumbling', size: '1m' },
        aggregations: { views: { fn: 'count' } },
        store: { queryable: true },
      })
      .toTopic('out', 'views-per-minute')
      .build();
    const text = describeTopology(buildTopology(spec));
    const storeLine = text.split('\n').find((l) => l.includes('stores:'));
    expect(storeLine).toMatch(
      /^ {6}stores: per-minute \(window, queryable, .+\), changelog views-per-minute-changelog$/,
    );
    expect(text.replace(storeLine!, '      stores: <store>')).toBe(
      [
        'Topology: views (dead letters → views-dlq, event time from ts, start from earliest)',
        '  Sub-topology: 0',
        '    Source: user-activity',
        '      --> only-views',
        '    Processor: only-views (filter)',
        '      --> by-item',
        '      <-- user-activity',
        '    Processor: by-item (key-by)',
        '      --> topic views-by-item-repartition',
        '      <-- only-views',
        '  Sub-topology: 1 (reads a repartition topic)',
        '    Source: views-by-item-repartition',
        '      --> per-minute',
        '    Processor: per-minute (window)',
        '      stores: <store>',
        '      --> out',
        '      <-- views-by-item-repartition',
        '    Processor: out (to-topic)',
        '      --> topic views-per-minute',
        '      <-- per-minute',
      ].join('\n'),
    );
  });
});
