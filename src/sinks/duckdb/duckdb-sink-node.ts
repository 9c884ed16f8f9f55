// The topology node of a `to-duckdb` job node. Topologies are built from job files before the
// DuckDB file is open, so the node is bound to the process's writer when the service starts.

import { SluiceError } from '../../core/errors.js';
import type { Processor, ProcessorFactory } from '../../core/processor.js';
import type { OutputTopic, Topology, TopologyNode } from '../../core/topology.js';
import { DuckdbSinkProcessor, type DuckdbSinkOptions } from './duckdb-sink-processor.js';
import type { DuckdbRowWriter, DuckdbSinkWriter } from './duckdb-sink-writer.js';
import { duckdbTableProblems } from './duckdb-table-options.js';

export const DUCKDB_SINK_KIND = 'to-duckdb';

/**
 * An unbound `to-duckdb` node: `bind(writer)` (or `bindDuckdbSinks`) gives the node that runs.
 * Running it unbound fails at task start with a message saying so, never silently.
 */
export class DuckdbSinkNode implements TopologyNode {
  readonly kind = DUCKDB_SINK_KIND;
  readonly stores = [];
  readonly outputTopics: readonly OutputTopic[] = [];

  /** Throws JOB_INVALID listing every problem with the options (table name, columns). */
  constructor(
    readonly name: string,
    readonly options: DuckdbSinkOptions,
  ) {
    const problems = duckdbTableProblems(options);
    if (problems.length > 0) {
      throw new SluiceError('JOB_INVALID', `node ${name} (to-duckdb): ${problems.join('; ')}`, {
        context: { node: name },
      });
    }
  }

  readonly create: ProcessorFactory = (): Processor => {
    const node = this.name;
    return {
      process(): void {
        throw unbound(node);
      },
      init(): void {
        throw unbound(node);
      },
    };
  };

  /** The same node, appending through `writer` (which learns the table's options). */
  bind(writer: DuckdbSinkWriter): TopologyNode {
    writer.register(this.options);
    return this.bindTo(writer);
  }

  /** Binds to any row writer without registering (tests, benchmarks). */
  bindTo(writer: DuckdbRowWriter): TopologyNode {
    const options = this.options;
    return {
      name: this.name,
      kind: this.kind,
      create: () => new DuckdbSinkProcessor(writer, options),
      stores: this.stores,
      outputTopics: this.outputTopics,
    };
  }
}

function unbound(node: string): SluiceError {
  return new SluiceError(
    'CONFIG_INVALID',
    `node ${node} (to-duckdb) has no DuckDB file: run the job with sluice run/start, or bind it with bindDuckdbSinks`,
    { context: { node } },
  );
}

/** True if any node of the topologies writes to DuckDB. */
export function hasDuckdbSinks(topologies: readonly Topology[]): boolean {
  return topologies.some((t) =>
    t.subtopologies.some((s) => s.nodes.some((n) => n instanceof DuckdbSinkNode)),
  );
}

/** The topologies with every `to-duckdb` node bound to `writer` (the others are unchanged). */
export function bindDuckdbSinks(
  topologies: readonly Topology[],
  writer: DuckdbSinkWriter,
): Topology[] {
  return topologies.map((topology) => ({
    ...topology,
    subtopologies: topology.subtopologies.map((sub) => ({
      ...sub,
      nodes: sub.nodes.map((node) => (node instanceof DuckdbSinkNode ? node.bind(writer) : node)),
    })),
  }));
}
