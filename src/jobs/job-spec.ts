// The typed form of a job file. YAML in jobs/ is validated against a JSON Schema generated
// from these types (jobs/job.schema.json; a test keeps the two in agreement), then compiled
// by the topology builder. The JobBuilder API produces the same objects in code.

/** A duration: milliseconds as a number, or a string such as "500ms", "10s", "5m", "1h", "7d". */
export type DurationSpec = number | string;

/** Where a job reads from. */
export interface SourceSpec {
  /** Input topics (all are read by the same group, `group = job name`). */
  topics: string[];
  /** Value format. Only JSON today. */
  format?: 'json';
  /** Field holding event time in epoch ms; without it, the Kafka message timestamp is used. */
  timestampField?: string;
  /** Where a new consumer group starts. Default "earliest". */
  startFrom?: 'earliest' | 'latest';
  /** Larger values are dead-lettered with RECORD_TOO_LARGE. Default 1 MiB. */
  maxRecordBytes?: number;
  /**
   * Fields every record must have, with their JSON type; a `?` suffix allows the field to be
   * missing or null. Records that do not match are dead-lettered (FIELD_MISSING, FIELD_TYPE).
   * Other fields are allowed and carried along.
   */
  fields?: Record<string, FieldTypeSpec>;
}

/** A JSON type for `source.fields`; `integer` is a number without fraction; `?` = optional. */
export type FieldTypeSpec =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'object'
  | 'array'
  | 'any'
  | 'string?'
  | 'number?'
  | 'integer?'
  | 'boolean?'
  | 'object?'
  | 'array?'
  | 'any?';

/** Keeps records for which the expression is true. */
export interface FilterNodeSpec {
  kind: 'filter';
  name: string;
  /** mathjs expression over the record's fields, e.g. `amount > 100 and country != "NL"`. */
  where: string;
}

/** Adds or replaces fields computed by expressions (evaluated in order; later see earlier). */
export interface DeriveNodeSpec {
  kind: 'derive';
  name: string;
  /** Field name → mathjs expression. */
  fields: Record<string, string>;
}

/** Re-keys records by a field or expression; the records go through `<job>-<name>-repartition`. */
export interface KeyByNodeSpec {
  kind: 'key-by';
  name: string;
  /** A field name (e.g. `user_id`) or an expression, stringified to become the key. */
  key: string;
  /** Partitions of the repartition topic. Default: those of the first source topic. */
  partitions?: number;
}

export type WindowType = 'tumbling' | 'hopping' | 'sliding' | 'session';

export interface WindowDefinitionSpec {
  type: WindowType;
  /** Window length (tumbling, hopping); max time difference (sliding). */
  size?: DurationSpec;
  /** Hopping windows only: distance between window starts. */
  advance?: DurationSpec;
  /** Session windows only: inactivity gap that ends a session. */
  gap?: DurationSpec;
  /** How long after a window's end late records are still accepted. Default 0. */
  grace?: DurationSpec;
}

export type AggregationFunction =
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'avg'
  | 'variance'
  | 'stddev'
  | 'distinct-count'
  | 'top-k'
  | 'first'
  | 'last';

export interface AggregationSpec {
  fn: AggregationFunction;
  /** Field or expression aggregated (not needed for count). */
  of?: string;
  /** top-k: how many; distinct-count: exact up to this many, then HyperLogLog. */
  k?: number;
  limit?: number;
}

/** Keyed, event-time windowed aggregation kept in a RocksDB state store. */
export interface WindowNodeSpec {
  kind: 'window';
  name: string;
  window: WindowDefinitionSpec;
  /** Output field name → aggregation. */
  aggregations: Record<string, AggregationSpec>;
  /** `update`: emit on every change; `final`: once when the window closes. Default `update`. */
  emit?: 'update' | 'final';
  /** State store name (default: the node name) and whether the query API serves it. */
  store?: { name?: string; queryable?: boolean; retention?: DurationSpec };
}

/** Writes records as JSON to a Kafka topic; records also pass on to later nodes. */
export interface TopicSinkNodeSpec {
  kind: 'to-topic';
  name: string;
  topic: string;
  /** Partitions when Sluice creates the topic. Default: those of the first source topic. */
  partitions?: number;
}

/**
 * Node kinds a job file may use. New kinds add a member here and a line in jobs/registry.ts.
 * @discriminator kind
 */
export type NodeSpec =
  FilterNodeSpec | DeriveNodeSpec | KeyByNodeSpec | WindowNodeSpec | TopicSinkNodeSpec;

export type NodeKind = NodeSpec['kind'];

/** A whole job file. */
export interface JobSpec {
  /** Job name: also the consumer group and the prefix of its internal topics. [a-z0-9-]+ */
  name: string;
  description?: string;
  source: SourceSpec;
  /** Processing nodes, applied in order. */
  nodes: NodeSpec[];
  /** Dead-letter topic. Default `<name>-dlq`. */
  deadLetterTopic?: string;
}
