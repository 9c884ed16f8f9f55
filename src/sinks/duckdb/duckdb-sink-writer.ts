// The one writer of the DuckDB file: a single connection shared by every `to-duckdb` task of
// the process, running one table operation at a time (appends, schema changes) in call order.

import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SluiceError, errorMessage } from '../../core/errors.js';
import { DuckdbTable } from './duckdb-table.js';
import type { DuckdbRow, DuckdbTableOptions } from './duckdb-table-options.js';

/** What a DuckDB sink processor needs: append rows to a named table. */
export interface DuckdbRowWriter {
  /** Appends the rows (in order) once the operations queued before it are done. */
  append(table: string, rows: readonly DuckdbRow[]): Promise<void>;
}

export interface DuckdbSinkWriterOptions {
  /** Schema changes and warnings, one line each. */
  readonly log?: (line: string) => void;
}

export class DuckdbSinkWriter implements DuckdbRowWriter {
  private readonly tables = new Map<string, DuckdbTable>();
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: DuckdbSinkWriterOptions,
  ) {}

  /** Opens the writer connection on an instance (a DuckdbDatabase's). */
  static async open(
    instance: DuckDBInstance,
    options: DuckdbSinkWriterOptions = {},
  ): Promise<DuckdbSinkWriter> {
    return new DuckdbSinkWriter(await instance.connect(), options);
  }

  /**
   * Declares a table before any task appends to it. Several nodes (or jobs) may share a table
   * only with the same options; anything else throws, before a record is processed.
   */
  register(options: DuckdbTableOptions): void {
    const existing = this.tables.get(options.table);
    if (existing) {
      if (JSON.stringify(existing.options) !== JSON.stringify(normalise(options))) {
        throw new SluiceError(
          'JOB_INVALID',
          `DuckDB table ${options.table} is written by several to-duckdb nodes with different columns or latestBy`,
        );
      }
      return;
    }
    this.tables.set(
      options.table,
      new DuckdbTable(normalise(options), this.options.log ?? (() => undefined)),
    );
  }

  /** Column names and types of a registered table, once it has been written (for tests). */
  describe(table: string): Array<{ name: string; type: string }> {
    return this.tables.get(table)?.describe() ?? [];
  }

  append(table: string, rows: readonly DuckdbRow[]): Promise<void> {
    const target = this.tables.get(table);
    if (!target) {
      return Promise.reject(
        new SluiceError('INTERNAL', `DuckDB table ${table} was not registered with the writer`),
      );
    }
    return this.enqueue(() => target.append(this.connection, rows)).catch((err: unknown) => {
      throw err instanceof SluiceError
        ? err
        : new SluiceError('STATE_STORE', `DuckDB append to ${table} failed: ${errorMessage(err)}`, {
            cause: err,
            retriable: true,
          });
    });
  }

  /** Waits for queued operations, then closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    this.connection.closeSync();
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    if (this.closed) {
      return Promise.reject(new SluiceError('INTERNAL', 'DuckDB sink writer is closed'));
    }
    const run = this.tail.then(operation);
    // The chain continues after a failure; the caller of that operation sees it.
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** Options in a canonical form, so two nodes with the same table options compare equal. */
function normalise(options: DuckdbTableOptions): DuckdbTableOptions {
  return {
    table: options.table,
    ...(options.columns === undefined ? {} : { columns: { ...options.columns } }),
    ...(options.latestBy === undefined ? {} : { latestBy: [...options.latestBy] }),
  };
}
