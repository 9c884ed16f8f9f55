// What the query API's `POST /sql` may ask of the analytics stage: run one read-only SQL
// statement over the DuckDB file and get typed columns and JSON rows back. No DuckDB here.

import type { JsonValue } from './record.js';

/** A result column: its name and DuckDB type as DuckDB prints it (`BIGINT`, `VARCHAR[]`, `JSON`). */
export interface SqlColumn {
  readonly name: string;
  readonly type: string;
}

export interface SqlResult {
  readonly columns: readonly SqlColumn[];
  /** Rows in result order, one value per column (JSON: integers beyond 2^53 as strings). */
  readonly rows: ReadonlyArray<readonly JsonValue[]>;
  /** True when the statement produced more rows than the row limit and the rest were dropped. */
  readonly truncated: boolean;
}

/**
 * Why a statement did not run: `invalid` = DuckDB refused it (syntax, binding, permission; the
 * message is DuckDB's), `refused` = not a single read-only statement, `timeout` = interrupted
 * at the time limit, `busy` = too many statements running already.
 */
export type SqlFailureReason = 'invalid' | 'refused' | 'timeout' | 'busy';

export type SqlOutcome =
  | { readonly ok: true; readonly result: SqlResult }
  | { readonly ok: false; readonly reason: SqlFailureReason; readonly message: string };

/** A query shipped with Sluice, run by name (dashboards, `GET /sql/queries/:name`). */
export interface NamedQuery {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** Read-only SQL over the analytics database, implemented by src/analytics. */
export interface SqlQueryService {
  query(sql: string): Promise<SqlOutcome>;
  namedQueries(): readonly NamedQuery[];
}
