// The shipped job files `sluice evaluate` scores, renamed for one run: every topic the job reads
// or writes and the job name itself (its consumer group and internal topics) get the run's
// prefix, so an evaluation never sees another run's records or offsets.

import { access, readFile } from 'node:fs/promises';
import { SluiceError } from '../../core/errors.js';
import { formatJobProblem } from '../../jobs/job-problem.js';
import { parseJobText } from '../../jobs/job-loader.js';
import type { JobSpec, NodeSpec } from '../../jobs/job-spec.js';

/**
 * Reads and validates a shipped job file, then prefixes it (see prefixedJobSpec). Undefined when
 * the file does not exist; throws JOB_INVALID listing the file's problems.
 */
export async function loadShippedJob(path: string, prefix: string): Promise<JobSpec | undefined> {
  try {
    await access(path);
  } catch {
    return undefined;
  }
  const parsed = parseJobText(await readFile(path, 'utf8'), path);
  if (parsed.problems.length > 0 || parsed.spec === undefined) {
    throw new SluiceError(
      'JOB_INVALID',
      `${path}:\n${parsed.problems.map((p) => formatJobProblem(p)).join('\n')}`,
    );
  }
  return prefixedJobSpec(parsed.spec, prefix);
}

/**
 * The spec with `prefix` before its name, source topics, dead-letter topic (when set) and every
 * topic a node writes (`to-topic`'s `topic`, `fraud-score`'s `alert.topic`). Everything else —
 * thresholds, rules, windows — is left exactly as shipped.
 */
export function prefixedJobSpec(spec: JobSpec, prefix: string): JobSpec {
  return {
    ...spec,
    name: `${prefix}${spec.name}`,
    source: { ...spec.source, topics: spec.source.topics.map((t) => `${prefix}${t}`) },
    nodes: spec.nodes.map((n) => prefixedNode(n, prefix)),
    ...(spec.deadLetterTopic !== undefined
      ? { deadLetterTopic: `${prefix}${spec.deadLetterTopic}` }
      : {}),
  };
}

function prefixedNode(node: NodeSpec, prefix: string): NodeSpec {
  switch (node.kind) {
    case 'to-topic':
      return { ...node, topic: `${prefix}${node.topic}` };
    case 'fraud-score':
      return { ...node, alert: { ...node.alert, topic: `${prefix}${node.alert.topic}` } };
    default:
      return node;
  }
}

/** The topic the fraud-score node of `spec` alerts to, if it has one. */
export function alertTopicOf(spec: JobSpec): string | undefined {
  for (const n of spec.nodes) if (n.kind === 'fraud-score') return n.alert.topic;
  return undefined;
}
