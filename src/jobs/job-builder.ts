// The typed builder: jobs written in code instead of YAML. It produces the same JobSpec a job
// file does and validates it the same way (schema, names, durations, expressions).
//
//   const spec = job('big-spenders')
//     .from({ topics: ['transactions'], timestampField: 'ts' })
//     .filter('only-big', 'amount > 100')
//     .keyBy('by-account', 'account_id')
//     .window('per-minute', { window: { type: 'tumbling', size: '1m' }, aggregations: { n: { fn: 'count' } } })
//     .toTopic('out', 'big-spenders-per-minute')
//     .build();

import { JobValidationError, problemsWithoutPosition } from './job-problem.js';
import type {
  JobSpec,
  KeyByNodeSpec,
  NodeSpec,
  SourceSpec,
  TopicSinkNodeSpec,
  WindowNodeSpec,
} from './job-spec.js';
import { validateJob } from './job-validator.js';

type Options<S extends NodeSpec> = Omit<S, 'kind' | 'name'>;

export class JobBuilder {
  private source: SourceSpec | undefined;
  private descriptionText: string | undefined;
  private deadLetter: string | undefined;
  private readonly nodes: NodeSpec[] = [];

  constructor(private readonly name: string) {}

  description(text: string): this {
    this.descriptionText = text;
    return this;
  }

  /** Where the job reads from (topics, timestamp field, start position). */
  from(source: SourceSpec): this {
    this.source = { ...source, topics: [...source.topics] };
    return this;
  }

  /** Keeps records for which `where` is true. */
  filter(name: string, where: string): this {
    return this.node({ kind: 'filter', name, where });
  }

  /** Adds or replaces fields (field name → expression), evaluated in order. */
  derive(name: string, fields: Record<string, string>): this {
    return this.node({ kind: 'derive', name, fields: { ...fields } });
  }

  /** Re-keys records by a field or expression, through `<job>-<name>-repartition`. */
  keyBy(name: string, key: string, options: Omit<Options<KeyByNodeSpec>, 'key'> = {}): this {
    return this.node({ kind: 'key-by', name, key, ...options });
  }

  /** Keyed, event-time windowed aggregation. */
  window(name: string, options: Options<WindowNodeSpec>): this {
    return this.node({ kind: 'window', name, ...structuredClone(options) });
  }

  /** Writes records as JSON to `topic`; they also pass on to later nodes. */
  toTopic(
    name: string,
    topic: string,
    options: Omit<Options<TopicSinkNodeSpec>, 'topic'> = {},
  ): this {
    return this.node({ kind: 'to-topic', name, topic, ...options });
  }

  /** Appends any node spec (for kinds without a dedicated method). */
  node(spec: NodeSpec): this {
    this.nodes.push(structuredClone(spec));
    return this;
  }

  deadLetterTopic(topic: string): this {
    this.deadLetter = topic;
    return this;
  }

  /** The validated JobSpec (a fresh copy). Throws JobValidationError listing every problem. */
  build(): JobSpec {
    const spec = {
      name: this.name,
      ...(this.descriptionText === undefined ? {} : { description: this.descriptionText }),
      ...(this.source === undefined ? {} : { source: structuredClone(this.source) }),
      nodes: structuredClone(this.nodes),
      ...(this.deadLetter === undefined ? {} : { deadLetterTopic: this.deadLetter }),
    };
    const issues = validateJob(spec);
    if (issues.length > 0) throw new JobValidationError(problemsWithoutPosition(issues, this.name));
    return spec as JobSpec;
  }
}

/** Starts a job named `name` ([a-z0-9-]+: it is also the consumer group). */
export function job(name: string): JobBuilder {
  return new JobBuilder(name);
}
