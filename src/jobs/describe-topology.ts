// Prints a built topology the way Kafka Streams' TopologyDescription does: sub-topologies,
// their source topics, the node chain, the stores each node uses and the topics it writes.

import type { Topology } from '../core/topology.js';

/**
 * A multi-line description, e.g.
 * ```
 * Topology: activity-enrich (dead letters → activity-enrich-dlq, event time from ts)
 *   Sub-topology: 0
 *     Source: user-activity
 *       --> only-known
 *     Processor: only-known (filter)
 *       --> enrich
 *       <-- user-activity
 * ```
 */
export function describeTopology(topology: Topology): string {
  const lines: string[] = [];
  const time =
    topology.timestampField === undefined
      ? 'message timestamp'
      : `event time from ${topology.timestampField}`;
  lines.push(
    `Topology: ${topology.job} (dead letters → ${topology.deadLetterTopic}, ${time}, start from ${topology.startFrom})`,
  );
  for (const sub of topology.subtopologies) {
    lines.push(
      `  Sub-topology: ${sub.id}${sub.internalSource ? ' (reads a repartition topic)' : ''}`,
    );
    const sources = sub.sourceTopics.join(', ');
    const first = sub.nodes[0];
    lines.push(`    Source: ${sources}`);
    lines.push(`      --> ${first === undefined ? 'none' : first.name}`);
    sub.nodes.forEach((node, i) => {
      const next = sub.nodes[i + 1];
      const sends = node.outputTopics.map((t) => t.name);
      lines.push(`    Processor: ${node.name} (${node.kind})`);
      for (const store of node.stores) {
        const flags = [store.kind, store.queryable ? 'queryable' : undefined, store.stateId]
          .filter((f) => f !== undefined)
          .join(', ');
        lines.push(
          `      stores: ${store.name} (${flags}), changelog ${topology.job}-${store.name}-changelog`,
        );
      }
      const targets = [
        ...(next === undefined ? [] : [next.name]),
        ...sends.map((t) => `topic ${t}`),
      ];
      lines.push(`      --> ${targets.length === 0 ? 'none' : targets.join(', ')}`);
      lines.push(`      <-- ${i === 0 ? sources : (sub.nodes[i - 1]?.name ?? '')}`);
    });
  }
  return lines.join('\n');
}
