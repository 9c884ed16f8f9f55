// Which top-level fields of a source record a job reads before its first window turns records
// into results. Only those are then decoded when a batch arrives (SubTopology.sourceFields),
// which saves the main thread most of the JSON decoding of wide records.

import { compileExpression } from '../expr/expression-compiler.js';
import type { JobSpec } from './job-spec.js';
import { FIELD_PATH } from './registry.js';

/**
 * The sorted top-level fields the nodes before (and including) the job's first window read,
 * plus the event-time field and the declared `source.fields`; undefined when a node before it
 * passes source records on whole (to-topic, key-by, sinks, scoring) or there is no window.
 */
export function sourceReadFields(spec: JobSpec): string[] | undefined {
  const fields = new Set<string>();
  const add = (path: string): void => {
    fields.add(path.split('.')[0]!);
  };
  if (spec.source.timestampField !== undefined) add(spec.source.timestampField);
  for (const field of Object.keys(spec.source.fields ?? {})) add(field);
  for (const node of spec.nodes) {
    switch (node.kind) {
      case 'filter':
        compileExpression(node.where).fields.forEach(add);
        break;
      case 'derive':
        for (const source of Object.values(node.fields)) {
          compileExpression(source).fields.forEach(add);
        }
        break;
      case 'window':
        for (const aggregation of Object.values(node.aggregations)) {
          const of = aggregation.of?.trim();
          if (of === undefined) continue;
          if (FIELD_PATH.test(of)) add(of);
          else compileExpression(of).fields.forEach(add);
        }
        return [...fields].sort();
      default:
        return undefined;
    }
  }
  return undefined;
}
