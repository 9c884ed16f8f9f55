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

/** DuckDB types a `to-duckdb` node can declare for a column. */
export type DuckdbColumnTypeSpec =
  'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'JSON' | 'TIMESTAMP';

/**
 * Appends each record's value as a row of a table in the DuckDB file `<stateDir>/sluice.duckdb`
 * (batched, before offsets commit: at-least-once); records also pass on to later nodes.
 */
export interface DuckdbSinkNodeSpec {
  kind: 'to-duckdb';
  name: string;
  /**
   * Table name (also queried by `POST /sql`).
   * @pattern ^[a-z][a-z0-9_]{0,62}$
   */
  table: string;
  /**
   * Column (field name) → type. Without it, columns come from the records' fields (new fields
   * add columns; BIGINT widens to DOUBLE, mixed types to JSON; arrays and objects are JSON).
   */
  columns?: Record<string, DuckdbColumnTypeSpec>;
  /**
   * Columns identifying one logical row: the view `<table>_latest` keeps its newest version.
   * Default `[key, startMs]` when records have both (window results); `[]` = no view.
   */
  latestBy?: string[];
}

/** A fraud rule: when `when` is true for a payment, its weight counts towards the score. */
export interface FraudRuleSpec {
  /** [a-z0-9-]+, unique among the rules. */
  name: string;
  /** Boolean expression over the transaction's fields and the fraud features (jobs/README.md). */
  when: string;
  /** In (0, 1]. Scores combine as 1 − Π(1 − weight) over the rules that fire. */
  weight: number;
  /** Reported in the alert's `reasons` when the rule fires. */
  reason: string;
}

/**
 * Scores card payments for fraud (records keyed by account_id, values `transactions` events):
 * per-account profile and velocity features, rules with weights, alerts above a threshold.
 */
export interface FraudScoreNodeSpec {
  kind: 'fraud-score';
  name: string;
  /** Velocity windows: feature suffix ([a-z0-9]+) → length, e.g. `{1m: 1m, 1h: 1h}`. */
  windows: Record<string, DurationSpec>;
  profile: {
    /** Learned payments before amount z-scores count (before that they are 0). */
    warmup: number;
    /** Prior spread of ln(amount) (a log standard deviation) a short history is shrunk towards. Default 1. */
    priorLogStdDev?: number;
    /** Weight of that prior, in payments. Default 0 (no prior). */
    priorWeight?: number;
    /** Clamp ln(amount) to mean ± this many log spreads before learning it. Default 0 = off. */
    learnClamp?: number;
    /** Learn devices, merchants, amounts and location from payments that alerted. Default false. */
    learnFromAlerts?: boolean;
    /** Recent payments kept per account for the windows. Default 200. */
    maxRecent?: number;
    /** Devices, merchants, countries, cards kept per account (least used go). Defaults 16, 64, 16, 8. */
    maxDevices?: number;
    maxMerchants?: number;
    maxCountries?: number;
    maxCards?: number;
  };
  geo: {
    /** Travel shorter than this (km) is never impossible. */
    minDistanceKm: number;
    /** Faster than this (km/h) between consecutive payments is impossible travel. */
    impossibleSpeedKmh: number;
  };
  cardTesting: {
    /** How far back small payments on the card count. */
    window: DurationSpec;
    /** Amounts at or below this are small (probes). */
    smallAmount: number;
    /** Amounts at or above this after `minSmall` small ones are card testing. */
    largeAmount: number;
    minSmall: number;
  };
  /** Rules inline; or use `rulesFile`. Exactly one of the two. */
  rules?: FraudRuleSpec[];
  /** YAML file with `rules: [...]`, reloaded when it changes (path relative to the working directory). */
  rulesFile?: string;
  /** How often the rules file is looked at. Default 1s. */
  rulesCheckInterval?: DurationSpec;
  alert: {
    /** Payments scoring at or above this (in (0, 1]) alert. */
    threshold: number;
    /** Alert topic (`{txn_id, account_id, card_id, score, reasons, ts, emitted_at}`, key account_id). */
    topic: string;
    /** Partitions when Sluice creates the topic. Default: those of the first source topic. */
    partitions?: number;
    /** Recent alerts kept per task for GET /fraud/alerts. Default 1000. */
    keep?: number;
  };
  /** Account store name (default: the node name) and alert store (default: `<name>-alerts`). */
  store?: { name?: string; alertsName?: string; queryable?: boolean };
}

/**
 * Recommendations, step 1 (records keyed by user_id, `user-activity` events): keeps each
 * user's recent items in a queryable store and forwards an item event per record and, per view,
 * co-occurrence pairs (earlier item → viewed item). Follow it with a key-by on `item_id` and a
 * `recs-items` node.
 */
export interface RecsHistoryNodeSpec {
  kind: 'recs-history';
  name: string;
  /**
   * Distinct items kept per user (the least recently touched drop out). Default 50.
   * @minimum 1
   */
  maxItems?: number;
  /** A view pairs with the user's items touched at most this long before it. Default 30m. */
  pairWindow?: DurationSpec;
  /**
   * Earlier items paired with each view, most recent first. Default 3.
   * @minimum 0
   */
  maxPairs?: number;
  /**
   * The d-th most recent earlier item pairs with weight pairDecay^(d−1). Default 0.5.
   * @exclusiveMinimum 0
   * @maximum 1
   */
  pairDecay?: number;
  /** Inactivity that ends a session (as does a new session_id). Default 30m. */
  sessionGap?: DurationSpec;
  /** Pair only items of the same session. Default true. */
  sameSession?: boolean;
  /** History store name (default: the node name). The store is always queryable. */
  store?: { name?: string };
}

/**
 * Recommendations, step 2 (records keyed by item_id, from `recs-history` through a key-by):
 * per item, co-occurrence neighbours and counts, and decayed trending counts with top-k lists
 * per task, overall and per category. Also holds the query-time settings of the recommender.
 */
export interface RecsItemsNodeSpec {
  kind: 'recs-items';
  name: string;
  /**
   * Neighbour counters kept per item (Space-Saving beyond that). Default 50.
   * @minimum 1
   */
  neighbours?: number;
  trending?: {
    /** An event's weight halves every halfLife of event time. Default 1h. */
    halfLife?: DurationSpec;
    /**
     * Items kept per trending list and task. Default 100.
     * @minimum 1
     */
    topK?: number;
    /**
     * Categories with their own trending list per task. Default 200.
     * @minimum 0
     */
    maxCategories?: number;
    /** Weight of each event type in trending counts (0 = ignored). Default 1 each. */
    weights?: { view?: number; add_to_cart?: number; purchase?: number };
  };
  /** How GET /recommendations and /items/:id/similar rank (read at query time). */
  recommend?: {
    /** Neighbour scoring: Dunning's log-likelihood ratio or cosine. Default llr. */
    similarity?: 'llr' | 'cosine';
    /** Never recommend items the user has these event types on. Default [purchase]. */
    exclude?: Array<'view' | 'add_to_cart' | 'purchase'>;
    /**
     * The user's most recent items whose neighbours are candidates. Default 5.
     * @minimum 1
     */
    seeds?: number;
    /**
     * The i-th most recent seed weighs seedDecay^i. Default 0.25.
     * @exclusiveMinimum 0
     * @maximum 1
     */
    seedDecay?: number;
    /**
     * Neighbours taken per seed. Default 20.
     * @minimum 1
     */
    neighboursPerSeed?: number;
    /**
     * Share of trending in the blend: score = (1 − w)·neighbours + w·trending. Default 0.35.
     * @minimum 0
     * @maximum 1
     */
    trendingWeight?: number;
  };
  /** Item store name (default: the node name). The store is always queryable. */
  store?: { name?: string };
}

/**
 * Node kinds a job file may use. New kinds add a member here and a line in jobs/registry.ts.
 * @discriminator kind
 */
export type NodeSpec =
  | FilterNodeSpec
  | DeriveNodeSpec
  | KeyByNodeSpec
  | WindowNodeSpec
  | TopicSinkNodeSpec
  | DuckdbSinkNodeSpec
  | FraudScoreNodeSpec
  | RecsHistoryNodeSpec
  | RecsItemsNodeSpec;

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
