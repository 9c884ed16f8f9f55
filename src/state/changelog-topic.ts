// Names and configures the compacted changelog topic behind each state store, so the runtime
// creates it (same partition count as the task's input) before the first commit.

import type { OutputTopic } from '../core/topology.js';

/** `<job>-<store>-changelog`, as Kafka Streams names them. */
export function changelogTopicName(job: string, store: string): string {
  return `${job}-${store}-changelog`;
}

/**
 * The changelog topic declaration. Compaction keeps the latest value per key (and the latest
 * checkpoint marker); tombstones of expired windows are removed after `delete.retention.ms`.
 */
export function changelogTopic(job: string, store: string, partitions?: number): OutputTopic {
  return {
    name: changelogTopicName(job, store),
    ...(partitions === undefined ? {} : { partitions }),
    config: { 'cleanup.policy': 'compact' },
  };
}
