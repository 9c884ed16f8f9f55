// Binds each job-file node `kind` to the code that runs it: a factory from the node's spec to
// a TopologyNode. A new node kind = one file in a stage folder + one line here + a README row.

import { SluiceError } from '../core/errors.js';
import type { TopologyNode } from '../core/topology.js';
import type { JsonValue, StreamRecord } from '../core/record.js';
import { compileExpression, type CompiledExpression } from '../expr/expression-compiler.js';
import { DeriveProcessor } from '../operators/derive-processor.js';
import { FilterProcessor } from '../operators/filter-processor.js';
import { KeyByProcessor } from '../operators/key-by-processor.js';
import { TopicSinkProcessor } from '../operators/topic-sink-processor.js';
import { DuckdbSinkNode } from '../sinks/duckdb/duckdb-sink-node.js';
import { createAggregator } from '../windows/aggregators/create-aggregator.js';
import { parseDurationMs } from '../windows/duration.js';
import { fieldExtractor } from '../windows/field-extractor.js';
import { recsHistoryNode, recsItemsNode } from '../scoring/recommendations/recs-nodes.js';
import { toWindowDefinition } from '../windows/window-definition.js';
import {
  WindowOperator,
  type WindowAggregation,
  type WindowOperatorOptions,
} from '../windows/window-operator.js';
import type { NodeKind, NodeSpec, WindowNodeSpec } from './job-spec.js';
import { fraudScoreNode } from './fraud-score-node.js';

/** What a node factory knows besides its own spec. */
export interface NodeContext {
  /** Job name: prefix of internal topics and stores. */
  readonly job: string;
}

export type NodeFactory<S extends NodeSpec> = (spec: S, ctx: NodeContext) => TopologyNode;

/** One factory per node kind; the type makes a missing kind a compile error. */
export type NodeRegistry = {
  readonly [K in NodeKind]: NodeFactory<Extract<NodeSpec, { kind: K }>>;
};

/** Name of the internal topic a key-by node writes to and the next sub-topology reads. */
export function repartitionTopicName(job: string, node: string): string {
  return `${job}-${node}-repartition`;
}

/** Repartition topics only pass records between sub-topologies; a week covers long stops. */
const REPARTITION_TOPIC_CONFIG = {
  'cleanup.policy': 'delete',
  'retention.ms': String(7 * 86_400_000),
};

/** Expressions were checked when the job loaded; a failure here means the spec skipped validation. */
function compile(source: string, node: string): CompiledExpression {
  try {
    return compileExpression(source);
  } catch (err) {
    if (err instanceof SluiceError) {
      throw new SluiceError(err.code, `node ${node}: ${err.message}`, {
        cause: err,
        context: { node },
      });
    }
    throw err;
  }
}

/** A plain field or dotted path (`amount`, `payment.amount`): read directly, missing = null. */
export const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function extractor(of: string | undefined, node: string): (record: StreamRecord) => JsonValue {
  if (of === undefined) return () => true; // count without `of`: every record counts
  if (FIELD_PATH.test(of.trim())) return fieldExtractor(of.trim());
  const expression = compile(of, node);
  return (record) => expression.evaluate(record.value);
}

function windowNode(spec: WindowNodeSpec): TopologyNode {
  const aggregations: Record<string, WindowAggregation> = {};
  for (const [output, agg] of Object.entries(spec.aggregations)) {
    const params = {
      ...(agg.k === undefined ? {} : { k: agg.k }),
      ...(agg.limit === undefined ? {} : { limit: agg.limit }),
    };
    aggregations[output] = {
      aggregator: createAggregator(agg.fn, params),
      extract: extractor(agg.of, spec.name),
      ...(agg.of === undefined ? {} : { of: agg.of }),
    };
  }
  const retention = spec.store?.retention;
  const options: WindowOperatorOptions = {
    window: toWindowDefinition(spec.window),
    aggregations,
    emit: spec.emit ?? 'update',
    storeName: spec.store?.name ?? spec.name,
    queryable: spec.store?.queryable === true,
    ...(retention === undefined ? {} : { retentionMs: parseDurationMs(retention) }),
  };
  // Built once here to validate the options and read the store it declares.
  const stores = new WindowOperator(options).stores();
  return {
    name: spec.name,
    kind: spec.kind,
    create: () => new WindowOperator(options),
    stores,
    outputTopics: [],
  };
}

export const NODE_REGISTRY: NodeRegistry = {
  filter: (spec) => {
    const where = compile(spec.where, spec.name);
    return {
      name: spec.name,
      kind: spec.kind,
      create: () => new FilterProcessor(where),
      stores: [],
      outputTopics: [],
    };
  },
  derive: (spec) => {
    const fields = Object.entries(spec.fields).map(([name, source]) => ({
      name,
      expression: compile(source, spec.name),
    }));
    return {
      name: spec.name,
      kind: spec.kind,
      create: () => new DeriveProcessor(fields),
      stores: [],
      outputTopics: [],
    };
  },
  'key-by': (spec, ctx) => {
    const key = compile(spec.key, spec.name);
    const topic = repartitionTopicName(ctx.job, spec.name);
    return {
      name: spec.name,
      kind: spec.kind,
      create: () => new KeyByProcessor(key, topic),
      stores: [],
      outputTopics: [
        {
          name: topic,
          ...(spec.partitions === undefined ? {} : { partitions: spec.partitions }),
          config: REPARTITION_TOPIC_CONFIG,
        },
      ],
    };
  },
  window: (spec) => windowNode(spec),
  'recs-history': (spec) => recsHistoryNode(spec),
  'recs-items': (spec) => recsItemsNode(spec),
  'fraud-score': (spec) => fraudScoreNode(spec),
  // Bound to the process's DuckDB file when the service starts (bindDuckdbSinks).
  'to-duckdb': (spec) =>
    new DuckdbSinkNode(spec.name, {
      table: spec.table,
      ...(spec.columns === undefined ? {} : { columns: spec.columns }),
      ...(spec.latestBy === undefined ? {} : { latestBy: spec.latestBy }),
    }),
  'to-topic': (spec) => ({
    name: spec.name,
    kind: spec.kind,
    create: () => new TopicSinkProcessor(spec.topic),
    stores: [],
    outputTopics: [
      {
        name: spec.topic,
        ...(spec.partitions === undefined ? {} : { partitions: spec.partitions }),
      },
    ],
  }),
};

/** Every node kind with code behind it. */
export function registeredKinds(registry: NodeRegistry = NODE_REGISTRY): NodeKind[] {
  return Object.keys(registry) as NodeKind[];
}

/** Builds the TopologyNode for one node spec with the factory registered for its kind. */
export function createTopologyNode(
  spec: NodeSpec,
  ctx: NodeContext,
  registry: NodeRegistry = NODE_REGISTRY,
): TopologyNode {
  const factory = registry[spec.kind] as NodeFactory<NodeSpec> | undefined;
  if (factory === undefined) {
    throw new SluiceError(
      'JOB_INVALID',
      `no code registered for node kind "${String(spec.kind)}"`,
      { context: { node: spec.name } },
    );
  }
  return factory(spec, ctx);
}
