// Runs `POST /sql` statements over the DuckDB file: one read-only statement per request, in a
// read-only transaction on its own connection, with row, time and concurrency limits.

import {
  StatementType,
  type DuckDBConnection,
  type DuckDBExtractedStatements,
  type DuckDBValue,
} from '@duckdb/node-api';
import { errorMessage } from '../core/errors.js';
import type { JsonValue } from '../core/record.js';
import type {
  NamedQuery,
  SqlColumn,
  SqlOutcome,
  SqlQueryService,
  SqlResult,
} from '../core/sql-query.js';
import { NAMED_QUERIES } from './named-queries.js';
import { deniedFunctionsIn } from './sql-function-denylist.js';
import { sqlValueConverter } from './sql-value-converter.js';

export interface SqlLimits {
  /** Rows returned at most; more set `truncated`. Default 10,000. */
  readonly maxRows?: number;
  /** A statement still running after this many ms is interrupted. Default 5,000. */
  readonly timeoutMs?: number;
  /** Statements running at once; one more is refused as `busy`. Default 2. */
  readonly maxConcurrent?: number;
  /** Longest statement text accepted, characters. Default 100,000. */
  readonly maxSqlChars?: number;
}

export const DEFAULT_SQL_LIMITS: Required<SqlLimits> = {
  maxRows: 10_000,
  timeoutMs: 5_000,
  maxConcurrent: 2,
  maxSqlChars: 100_000,
};

/** Where connections come from: a DuckdbDatabase. */
export interface SqlConnector {
  connect(): Promise<DuckDBConnection>;
}

/** A statement on its way: its outcome, and how to stop it (time limit, shutdown). */
interface Running {
  readonly outcome: Promise<SqlOutcome>;
  stop(): void;
}

/** After the time limit, interrupt again this often: an interrupt only stops what is running. */
const REINTERRUPT_MS = 25;

const ALLOWED =
  'only one read-only query is allowed (SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE)';

/**
 * The read-only SQL runner. Each statement gets a fresh connection in a `READ ONLY`
 * transaction; DuckDB itself parses it (`extractStatements`) and types it (only `SELECT` runs);
 * its parse tree is checked for functions that would change the instance. The instance was
 * opened with external access off and its configuration locked (see DuckdbDatabase).
 */
export class SqlRunner implements SqlQueryService {
  private readonly limits: Required<SqlLimits>;
  private readonly running = new Set<Running>();
  /** Statements admitted, including those still waiting for their connection. */
  private admitted = 0;
  private closed = false;

  constructor(
    private readonly database: SqlConnector,
    limits: SqlLimits = {},
    private readonly queries: readonly NamedQuery[] = NAMED_QUERIES,
  ) {
    this.limits = { ...DEFAULT_SQL_LIMITS, ...limits };
  }

  namedQueries(): readonly NamedQuery[] {
    return this.queries;
  }

  /** Runs one statement under the limits; never throws for anything the statement does. */
  async query(sql: string): Promise<SqlOutcome> {
    const { maxSqlChars, maxConcurrent } = this.limits;
    if (sql.length > maxSqlChars) {
      return refused(`statement is ${sql.length} characters; at most ${maxSqlChars}`);
    }
    if (this.closed) return { ok: false, reason: 'busy', message: 'shutting down' };
    if (this.admitted >= maxConcurrent) {
      return {
        ok: false,
        reason: 'busy',
        message: `${maxConcurrent} statements are running; try again shortly`,
      };
    }
    this.admitted++;
    try {
      let connection: DuckDBConnection;
      try {
        connection = await this.database.connect();
      } catch (err) {
        return { ok: false, reason: 'invalid', message: errorMessage(err) };
      }
      const run = this.runOn(connection, sql);
      this.running.add(run);
      try {
        return await run.outcome;
      } finally {
        this.running.delete(run);
      }
    } finally {
      this.admitted--;
    }
  }

  /** Stops accepting statements, interrupts running ones and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.running) run.stop();
    await Promise.allSettled([...this.running].map((run) => run.outcome));
  }

  private runOn(connection: DuckDBConnection, sql: string): Running {
    const { timeoutMs } = this.limits;
    let stopped = false;
    let reinterrupt: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      connection.interrupt();
      // An interrupt that lands between two steps is lost when the next one starts.
      reinterrupt = setInterval(() => connection.interrupt(), REINTERRUPT_MS);
    };
    const timer = setTimeout(stop, timeoutMs);
    const outcome = (async (): Promise<SqlOutcome> => {
      try {
        if (this.closed) return timeout(timeoutMs);
        const result = await this.execute(connection, sql, () => stopped);
        return stopped ? timeout(timeoutMs) : result;
      } catch (err) {
        if (stopped) return timeout(timeoutMs);
        return { ok: false, reason: 'invalid', message: errorMessage(err) };
      } finally {
        clearTimeout(timer);
        clearInterval(reinterrupt);
        // Rolls back the read-only transaction and drops any unread result.
        connection.closeSync();
      }
    })();
    return { outcome, stop };
  }

  private async execute(
    connection: DuckDBConnection,
    sql: string,
    stopped: () => boolean,
  ): Promise<SqlOutcome> {
    // Defence in depth: even a statement typed SELECT cannot write (e.g. `nextval`).
    await connection.run('BEGIN TRANSACTION READ ONLY');
    let extracted: DuckDBExtractedStatements;
    try {
      extracted = await connection.extractStatements(sql);
    } catch (err) {
      // DuckDB parses, then fails without a message when there was nothing to parse.
      if (errorMessage(err) === 'Error in native callback') {
        return refused(`found no statement: ${ALLOWED}`);
      }
      throw err;
    }
    if (extracted.count !== 1) {
      return refused(`found ${extracted.count} statements: ${ALLOWED}`);
    }
    // Checked on the parse tree, before DuckDB binds and plans the statement: planning folds
    // constant expressions, so a denied call would run during `prepare`.
    const check = await this.checkParseTree(connection, sql);
    if (check !== undefined) return check;
    const prepared = await extracted.prepare(0);
    try {
      if (prepared.statementType !== StatementType.SELECT) {
        const type = StatementType[prepared.statementType] ?? String(prepared.statementType);
        return refused(`${type} statement refused: ${ALLOWED}`);
      }
      if (stopped()) return timeout(this.limits.timeoutMs);
      const { maxRows } = this.limits;
      const reader = await prepared.streamAndReadUntil(maxRows + 1);
      const types = reader.columnTypes();
      const columns: SqlColumn[] = types.map((type, i) => ({
        name: reader.columnName(i),
        type: type.alias ?? type.toString(),
      }));
      // Converted here with the columns' own types: the reader's converter loses type aliases
      // (JSON) that the conversion needs.
      const read = reader.getRows();
      const rows: JsonValue[][] = [];
      for (let r = 0; r < read.length && r < maxRows; r++) {
        const row = read[r] as DuckDBValue[];
        rows.push(
          row.map((value, c) =>
            value === null
              ? null
              : (sqlValueConverter(value, types[c]!, sqlValueConverter) ?? null),
          ),
        );
      }
      const result: SqlResult = { columns, rows, truncated: read.length > maxRows };
      return { ok: true, result };
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * Refuses what is not a plain query (DuckDB serialises only SELECT parse trees: anything
   * else, PRAGMA shorthands included, is refused unplanned) and calls of denied functions.
   */
  private async checkParseTree(
    connection: DuckDBConnection,
    sql: string,
  ): Promise<SqlOutcome | undefined> {
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const text = reader.getRowsJS()[0]?.[0];
    const tree = typeof text === 'string' ? (JSON.parse(text) as JsonValue) : null;
    if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
      return refused('statement could not be checked');
    }
    if (tree['error'] === true) {
      const keyword = leadingKeyword(sql);
      return refused(
        `${keyword === undefined ? '' : `${keyword} `}statement refused: ${ALLOWED}` +
          (keyword === 'PRAGMA' ? '; write PRAGMA x as SELECT * FROM pragma_x()' : ''),
      );
    }
    const denied = deniedFunctionsIn(tree);
    if (denied.length > 0) return refused(`function not allowed: ${denied.join(', ')}`);
    return undefined;
  }
}

/** First word of a statement after comments, upper-cased: only to name it in a message. */
function leadingKeyword(sql: string): string | undefined {
  const match = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(sql);
  return match?.[1]?.toUpperCase();
}

function refused(message: string): SqlOutcome {
  return { ok: false, reason: 'refused', message };
}

function timeout(timeoutMs: number): SqlOutcome {
  return {
    ok: false,
    reason: 'timeout',
    message: `statement interrupted after the ${timeoutMs} ms time limit`,
  };
}
