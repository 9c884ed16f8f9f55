// Every metric Sluice exports, declared once. Dashboards and docs use only these names.

export const METRICS = {
  recordsIn: {
    name: 'sluice_records_in_total',
    help: 'Records fetched from source topics',
    type: 'counter',
    labels: ['job'],
  },
  recordsOut: {
    name: 'sluice_records_out_total',
    help: 'Records written to output topics',
    type: 'counter',
    labels: ['job', 'topic'],
  },
  deadLetters: {
    name: 'sluice_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by reason (error code)',
    type: 'counter',
    labels: ['job', 'reason'],
  },
  duplicatesSkipped: {
    name: 'sluice_duplicates_skipped_total',
    help: 'Repartitioned records skipped because their origin was already applied (upstream replay after a crash)',
    type: 'counter',
    labels: ['job'],
  },
  lateRecords: {
    name: 'sluice_late_records_total',
    help: 'Records that arrived after their window closed',
    type: 'counter',
    labels: ['job', 'node'],
  },
  consumerLag: {
    name: 'sluice_consumer_lag_records',
    help: 'Records between the committed position and the end of each assigned partition',
    type: 'gauge',
    labels: ['job', 'topic', 'partition'],
  },
  commitDuration: {
    name: 'sluice_commit_duration_seconds',
    help: 'Time to flush sinks, write state and commit offsets',
    type: 'histogram',
    labels: ['job'],
  },
  endToEndLatency: {
    name: 'sluice_end_to_end_latency_seconds',
    help: 'From the source message timestamp to the output being flushed',
    type: 'histogram',
    labels: ['job'],
  },
  batchDuration: {
    name: 'sluice_batch_duration_seconds',
    help: 'Time to process one fetched batch',
    type: 'histogram',
    labels: ['job'],
  },
  stateEntries: {
    name: 'sluice_state_entries',
    help: 'Approximate entries per state store',
    type: 'gauge',
    labels: ['job', 'store'],
  },
  stateBytes: {
    name: 'sluice_state_bytes',
    help: 'Approximate bytes per state store on disk',
    type: 'gauge',
    labels: ['job', 'store'],
  },
  restoredRecords: {
    name: 'sluice_restore_records_total',
    help: 'Changelog records replayed into state stores',
    type: 'counter',
    labels: ['job', 'store'],
  },
  restoreRemaining: {
    name: 'sluice_restore_remaining_records',
    help: 'Changelog records still to replay before processing resumes',
    type: 'gauge',
    labels: ['job', 'store'],
  },
  assignedPartitions: {
    name: 'sluice_assigned_partitions',
    help: 'Partitions (tasks) assigned to this instance',
    type: 'gauge',
    labels: ['job'],
  },
  httpRequests: {
    name: 'sluice_http_requests_total',
    help: 'Query API requests by route and status',
    type: 'counter',
    labels: ['route', 'status'],
  },
} as const satisfies Record<string, MetricDefinition>;

export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
}

export type MetricKey = keyof typeof METRICS;
