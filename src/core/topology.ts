// A built job: sub-topologies of named nodes, split where a key-by sends records through a
// repartition topic. The engine and the TestDriver run a Topology; they never read job files.

import type { ProcessorFactory, StoreDeclaration } from './processor.js';

export interface TopologyNode {
  readonly name: string;
  /** The job-file kind, e.g. `filter`, `window` (shown by `sluice describe`). */
  readonly kind: string;
  readonly create: ProcessorFactory;
  readonly stores: readonly StoreDeclaration[];
  /** Output topics this node writes to (sinks, repartition), so the runtime can create them. */
  readonly outputTopics: readonly OutputTopic[];
}

export interface OutputTopic {
  readonly name: string;
  /** Partitions to create it with; undefined = same as the first source topic. */
  readonly partitions?: number;
  /** Internal topics (repartition, changelog) are created by Sluice with these configs. */
  readonly config?: Readonly<Record<string, string>>;
}

/** A chain of nodes fed by source topics; one task per partition of those topics. */
export interface SubTopology {
  readonly id: number;
  readonly sourceTopics: readonly string[];
  /** True if the sources are internal repartition topics of this job. */
  readonly internalSource: boolean;
  readonly nodes: readonly TopologyNode[];
  /**
   * Set when the nodes read only these top-level fields of a source record's value and pass no
   * source record on whole (e.g. filter/derive/window, where the window emits new records):
   * the decode may then hand over just these fields. Undefined: the whole value.
   */
  readonly sourceFields?: readonly string[];
}

export interface Topology {
  readonly job: string;
  readonly deadLetterTopic: string;
  /** Field holding event time (epoch ms); undefined = message timestamp. */
  readonly timestampField?: string;
  readonly startFrom: 'earliest' | 'latest';
  readonly maxRecordBytes: number;
  /** Required shape of source records (checked after decoding); undefined = any object. */
  readonly fieldTypes?: readonly FieldRule[];
  readonly subtopologies: readonly SubTopology[];
}

/** One `source.fields` entry: the field, its JSON type, and whether it may be missing or null. */
export interface FieldRule {
  readonly field: string;
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';
  readonly optional: boolean;
}
