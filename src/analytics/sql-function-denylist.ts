// Functions a read-only `POST /sql` statement may not call although DuckDB types the statement
// as a SELECT: they change the instance, run SQL hidden in a string, or build huge values.

import type { JsonValue } from '../core/record.js';

/**
 * Lower-case function names refused anywhere in a statement. External access is off and the
 * configuration is locked, so files, network, extensions and settings are out of reach anyway.
 */
export const SQL_FUNCTION_DENYLIST: ReadonlySet<string> = new Set([
  // `query('...')` runs a statement given as a string, which the parse tree does not show.
  'query',
  // Logging and profiling state is per instance: shared with the sinks and other requests.
  'enable_logging',
  'disable_logging',
  'truncate_duckdb_logs',
  'enable_profiling',
  'disable_profiling',
  // Checkpoints are the writer's business (and can stall it).
  'checkpoint',
  'force_checkpoint',
  // One call builds one value of the requested size outside DuckDB's memory limit, and an
  // interrupt waits until it is built: `repeat('x', 4e9)` takes 4 GiB and ~40 s.
  'repeat',
  'lpad',
  'rpad',
  'list_resize',
  'array_resize',
]);

/**
 * Refused as scalar functions (a list value of any length, built outside the memory limit),
 * allowed as table functions (`FROM range(1000)` streams rows under the limits).
 */
export const SQL_SCALAR_DENYLIST: ReadonlySet<string> = new Set(['range', 'generate_series']);

interface Visit {
  readonly node: JsonValue;
  /** The `function` of a TABLE_FUNCTION reference: scalar-only names are fine here. */
  readonly tableFunction: boolean;
}

/**
 * Denied function names called in a parse tree as DuckDB's `json_serialize_sql` prints it
 * (each call is an object with a `function_name`; a table function sits under a
 * `TABLE_FUNCTION` reference). Walks iteratively: a deeply nested statement must not overflow
 * the stack.
 */
export function deniedFunctionsIn(tree: JsonValue): string[] {
  const found = new Set<string>();
  const stack: Visit[] = [{ node: tree, tableFunction: false }];
  while (stack.length > 0) {
    const { node, tableFunction } = stack.pop() as Visit;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, tableFunction: false });
      continue;
    }
    const raw = node['function_name'];
    if (typeof raw === 'string') {
      const name = raw.toLowerCase();
      if (SQL_FUNCTION_DENYLIST.has(name) || (!tableFunction && SQL_SCALAR_DENYLIST.has(name))) {
        found.add(name);
      }
    }
    const isTableRef = node['type'] === 'TABLE_FUNCTION';
    for (const [key, child] of Object.entries(node)) {
      stack.push({ node: child, tableFunction: isTableRef && key === 'function' });
    }
  }
  return [...found].sort();
}
