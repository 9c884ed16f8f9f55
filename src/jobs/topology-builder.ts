// JobSpec → Topology: runs each node's registry factory and splits the chain after every
// key-by, whose repartition topic becomes the source of the next sub-topology (as Kafka
// Streams does), so that each task of a sub-topology sees all records of its keys.

import type { FieldRule, SubTopology, Topology, TopologyNode } from '../core/topology.js';
import { JobValidationError, problemsWithoutPosition } from './job-problem.js';
import type { FieldTypeSpec, JobSpec } from './job-spec.js';
import { validateJob } from './job-validator.js';
import {
  createTopologyNode,
  NODE_REGISTRY,
  repartitionTopicName,
  type NodeRegistry,
} from './registry.js';
import { sourceReadFields } from './source-fields.js';

/** Default `source.maxRecordBytes`: 1 MiB, Kafka's default maximum message size. */
export const DEFAULT_MAX_RECORD_BYTES = 1_048_576;

/** The dead-letter topic of a job: `deadLetterTopic`, else `<name>-dlq`. */
export function deadLetterTopicName(spec: JobSpec): string {
  return spec.deadLetterTopic ?? `${spec.name}-dlq`;
}

/**
 * Builds the topology of a job. Validates the spec first (as the loader and builder do), so a
 * hand-made spec cannot skip the checks; throws JobValidationError listing every problem.
 */
export function buildTopology(spec: JobSpec, registry: NodeRegistry = NODE_REGISTRY): Topology {
  const issues = validateJob(spec);
  if (issues.length > 0) throw new JobValidationError(problemsWithoutPosition(issues, spec.name));
  const ctx = { job: spec.name };
  const subtopologies: SubTopology[] = [];
  let sourceTopics: readonly string[] = spec.source.topics;
  let internalSource = false;
  let nodes: TopologyNode[] = [];
  for (const nodeSpec of spec.nodes) {
    nodes.push(createTopologyNode(nodeSpec, ctx, registry));
    if (nodeSpec.kind === 'key-by') {
      subtopologies.push({ id: subtopologies.length, sourceTopics, internalSource, nodes });
      sourceTopics = [repartitionTopicName(spec.name, nodeSpec.name)];
      internalSource = true;
      nodes = [];
    }
  }
  if (nodes.length > 0)
    subtopologies.push({ id: subtopologies.length, sourceTopics, internalSource, nodes });
  const sourceFields = sourceReadFields(spec);
  if (sourceFields !== undefined && subtopologies[0] !== undefined) {
    subtopologies[0] = { ...subtopologies[0], sourceFields };
  }
  return {
    job: spec.name,
    deadLetterTopic: deadLetterTopicName(spec),
    ...(spec.source.timestampField === undefined
      ? {}
      : { timestampField: spec.source.timestampField }),
    startFrom: spec.source.startFrom ?? 'earliest',
    maxRecordBytes: spec.source.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    ...(spec.source.fields === undefined ? {} : { fieldTypes: fieldRules(spec.source.fields) }),
    subtopologies,
  };
}

function fieldRules(fields: Record<string, FieldTypeSpec>): FieldRule[] {
  return Object.entries(fields).map(([field, spec]) => {
    const optional = spec.endsWith('?');
    const type = (optional ? spec.slice(0, -1) : spec) as FieldRule['type'];
    return { field, type, optional };
  });
}
