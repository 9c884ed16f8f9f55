// One table a DuckDB sink appends to: its schema (declared, or derived from the records and
// widened as they change), creation and evolution, the `<table>_latest` view, batched appends.

import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { SluiceError } from '../../core/errors.js';
import type { JsonValue } from '../../core/record.js';
import {
  INGESTED_AT_COLUMN,
  SEQ_COLUMN,
  WINDOW_LATEST_BY,
  latestViewName,
  type DuckdbRow,
  type DuckdbTableOptions,
} from './duckdb-table-options.js';
import {
  DUCKDB_COLUMN_TYPES,
  inferColumnType,
  timestampMsOf,
  widenColumnType,
  type DuckdbColumnType,
} from './duckdb-column-type.js';

/** Derived tables stop growing columns here; later new fields are not stored. */
export const MAX_DERIVED_COLUMNS = 256;

type Role = 'data' | 'seq' | 'ingested';

interface Column {
  readonly name: string;
  type: DuckdbColumnType;
  readonly role: Role;
}

/** `"name"` with inner quotes doubled: every identifier we emit is quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const RESERVED = new Set([SEQ_COLUMN, INGESTED_AT_COLUMN]);

/** DuckDB identifiers are case-insensitive, even quoted: `startMs` and `startms` are one column. */
function fold(name: string): string {
  return name.toLowerCase();
}

/**
 * A sink table, driven by the writer (one connection, one operation at a time). Appending
 * a batch: read the existing table once, derive new columns and widenings from the batch
 * (BIGINT → DOUBLE → JSON; a column never narrows), apply them, refresh the view, then append
 * every row with one appender. Declared columns are fixed: values were checked by the processor.
 */
export class DuckdbTable {
  private readonly columns: Column[] = [];
  private readonly byName = new Map<string, Column>();
  /** Field name (exact) → column index, or -1 when the field is not stored. */
  private fieldIndex = new Map<string, number>();
  private opened = false;
  private exists = false;
  private seq = 0;
  private viewSql: string | undefined;
  private warnedFull = false;

  constructor(
    readonly options: DuckdbTableOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get name(): string {
    return this.options.table;
  }

  /** Column names and types in table order (metadata columns included), once known. */
  describe(): Array<{ name: string; type: DuckdbColumnType }> {
    return this.columns.map((c) => ({ name: c.name, type: c.type }));
  }

  async append(connection: DuckDBConnection, rows: readonly DuckdbRow[]): Promise<void> {
    if (!this.opened) await this.open(connection);
    if (this.options.columns === undefined) await this.evolve(connection, rows);
    if (!this.exists) await this.create(connection);
    await this.refreshView(connection);
    if (rows.length === 0) return;
    const appender = await connection.createAppender(this.name);
    try {
      this.appendRows(appender, rows);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Reads the table left by an earlier run, if any, and reconciles declared columns. */
  private async open(connection: DuckDBConnection): Promise<void> {
    const reader = await connection.runAndReadAll(
      `SELECT column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1
       ORDER BY column_index`,
      [this.name],
    );
    for (const [name, type] of reader.getRowsJS()) {
      if (typeof name !== 'string' || typeof type !== 'string') continue;
      this.addColumn(name, this.knownType(name, type));
    }
    this.exists = this.columns.length > 0;
    if (this.exists) {
      for (const meta of RESERVED) {
        if (!this.byName.has(meta)) {
          throw new SluiceError(
            'STATE_STORE',
            `DuckDB table ${this.name} exists without the ${meta} column Sluice adds; drop or rename it`,
          );
        }
      }
      const max = await connection.runAndReadAll(
        `SELECT coalesce(max(${quoteIdentifier(SEQ_COLUMN)}), 0) FROM ${quoteIdentifier(this.name)}`,
      );
      this.seq = Number(max.getRowsJS()[0]?.[0] ?? 0);
    } else {
      this.addColumn(SEQ_COLUMN, 'BIGINT');
      this.addColumn(INGESTED_AT_COLUMN, 'TIMESTAMP');
    }
    for (const [name, type] of Object.entries(this.options.columns ?? {})) {
      const existing = this.byName.get(fold(name));
      if (existing && existing.type !== type) {
        throw new SluiceError(
          'STATE_STORE',
          `DuckDB table ${this.name} has column ${existing.name} ${existing.type}, the job declares ${type}; drop or rename the table`,
        );
      }
      if (!existing) await this.addColumnToTable(connection, name, type);
    }
    this.opened = true;
  }

  private knownType(column: string, type: string): DuckdbColumnType {
    const known = DUCKDB_COLUMN_TYPES.find((t) => t === type);
    if (!known) {
      throw new SluiceError(
        'STATE_STORE',
        `DuckDB table ${this.name} column ${column} has type ${type}, which Sluice does not write`,
      );
    }
    return known;
  }

  /** New fields become columns, and columns widen to hold every value of the batch. */
  private async evolve(connection: DuckDBConnection, rows: readonly DuckdbRow[]): Promise<void> {
    const added = new Map<string, { name: string; type: DuckdbColumnType }>();
    const widened = new Map<string, DuckdbColumnType>();
    for (const row of rows) {
      for (const field in row.value) {
        const type = inferColumnType(row.value[field]);
        if (type === undefined) continue;
        // Most fields are known columns of their value's type: one exact-name lookup, no
        // folding. (A pending widening of that column already holds this type.)
        if (this.columnOfField(field)?.type === type) continue;
        if (field === '') continue;
        const key = fold(field);
        if (RESERVED.has(key)) continue;
        const column = this.byName.get(key);
        if (column) {
          const current = widened.get(key) ?? column.type;
          const next = widenColumnType(current, type);
          if (next !== column.type) widened.set(key, next);
          continue;
        }
        const pending = added.get(key);
        if (pending) pending.type = widenColumnType(pending.type, type);
        else if (this.dataColumnCount() + added.size < MAX_DERIVED_COLUMNS) {
          added.set(key, { name: field, type });
        } else if (!this.warnedFull) {
          this.warnedFull = true;
          this.log(
            `DuckDB table ${this.name}: ${MAX_DERIVED_COLUMNS} columns reached; new fields such as "${field}" are not stored`,
          );
        }
      }
    }
    for (const [key, type] of widened) {
      const column = this.byName.get(key) as Column;
      if (this.exists) {
        const using = type === 'JSON' ? ` USING to_json(${quoteIdentifier(column.name)})` : '';
        await connection.run(
          `ALTER TABLE ${quoteIdentifier(this.name)} ALTER COLUMN ${quoteIdentifier(column.name)} SET DATA TYPE ${type}${using}`,
        );
        this.log(
          `DuckDB table ${this.name}: column ${column.name} widened ${column.type} → ${type}`,
        );
      }
      column.type = type;
    }
    for (const { name, type } of added.values()) {
      await this.addColumnToTable(connection, name, type);
    }
  }

  private async addColumnToTable(
    connection: DuckDBConnection,
    name: string,
    type: DuckdbColumnType,
  ): Promise<void> {
    if (this.exists) {
      await connection.run(
        `ALTER TABLE ${quoteIdentifier(this.name)} ADD COLUMN ${quoteIdentifier(name)} ${type}`,
      );
    }
    this.addColumn(name, type);
  }

  private async create(connection: DuckDBConnection): Promise<void> {
    // Data columns first, as a reader would list them; metadata last.
    const ordered = [
      ...this.columns.filter((c) => c.role === 'data'),
      ...this.columns.filter((c) => c.role !== 'data'),
    ];
    const list = ordered.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await connection.run(`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(this.name)} (${list})`);
    this.columns.splice(0, this.columns.length, ...ordered);
    this.fieldIndex = new Map();
    this.exists = true;
  }

  private addColumn(name: string, type: DuckdbColumnType): void {
    const key = fold(name);
    const role: Role =
      key === SEQ_COLUMN ? 'seq' : key === INGESTED_AT_COLUMN ? 'ingested' : 'data';
    const column: Column = { name, type, role };
    this.columns.push(column);
    this.byName.set(key, column);
    this.fieldIndex = new Map();
  }

  private dataColumnCount(): number {
    return this.columns.length - RESERVED.size;
  }

  /** The columns of `latestBy` as named in the table, or undefined when there is no view. */
  private latestColumns(): string[] | undefined {
    const wanted = this.options.latestBy ?? WINDOW_LATEST_BY;
    const columns = wanted.map((name) => this.byName.get(fold(name))?.name);
    if (wanted.length === 0 || columns.some((c) => c === undefined)) return undefined;
    return columns as string[];
  }

  /**
   * `<table>_latest`: the newest version (highest `_seq`) of each `latestBy` combination; for
   * session windows, a window whose newest version is a retraction is left out.
   */
  private async refreshView(connection: DuckDBConnection): Promise<void> {
    const columns = this.latestColumns();
    if (!columns) return;
    const partition = columns.map(quoteIdentifier).join(', ');
    const seq = quoteIdentifier(SEQ_COLUMN);
    let select = `SELECT * EXCLUDE (${seq}) FROM ${quoteIdentifier(this.name)} QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY ${seq} DESC) = 1`;
    const retracted = this.byName.get('retracted');
    if (retracted?.type === 'BOOLEAN') {
      select = `SELECT * FROM (${select}) WHERE ${quoteIdentifier(retracted.name)} IS NOT TRUE`;
    }
    const sql = `CREATE OR REPLACE VIEW ${quoteIdentifier(latestViewName(this.name))} AS ${select}`;
    if (sql === this.viewSql) return;
    await connection.run(sql);
    this.viewSql = sql;
  }

  private columnOfField(field: string): Column | undefined {
    const index = this.indexOfField(field);
    return index >= 0 ? this.columns[index] : undefined;
  }

  private indexOfField(field: string): number {
    let index = this.fieldIndex.get(field);
    if (index === undefined) {
      const declared = this.options.columns;
      const column =
        declared && !Object.hasOwn(declared, field) ? undefined : this.byName.get(fold(field));
      index = column && column.role === 'data' ? this.columns.indexOf(column) : -1;
      this.fieldIndex.set(field, index);
    }
    return index;
  }

  private appendRows(appender: DuckDBAppender, rows: readonly DuckdbRow[]): void {
    const values: Array<JsonValue | undefined> = new Array<JsonValue | undefined>(
      this.columns.length,
    );
    let lastMs = Number.NaN;
    let lastTimestamp = DuckDBTimestampValue.Epoch;
    for (const row of rows) {
      values.fill(undefined);
      for (const field in row.value) {
        const index = this.indexOfField(field);
        if (index >= 0) values[index] = row.value[field];
      }
      for (let i = 0; i < this.columns.length; i++) {
        const column = this.columns[i] as Column;
        if (column.role === 'seq') {
          appender.appendDouble(++this.seq);
        } else if (column.role === 'ingested') {
          if (row.ingestedMs !== lastMs) {
            lastMs = row.ingestedMs;
            lastTimestamp = new DuckDBTimestampValue(BigInt(Math.round(lastMs)) * 1000n);
          }
          appender.appendTimestamp(lastTimestamp);
        } else {
          appendValue(appender, values[i], column.type);
        }
      }
      appender.endRow();
    }
  }
}

/** Appends one value to a column of the type; a value that does not fit is stored as NULL. */
function appendValue(
  appender: DuckDBAppender,
  value: JsonValue | undefined,
  type: DuckdbColumnType,
): void {
  if (value === undefined || value === null) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'boolean') appender.appendBoolean(value);
      else appender.appendNull();
      return;
    case 'BIGINT':
    case 'DOUBLE':
      // The appender casts a double to BIGINT exactly for integers within ±2^53.
      if (typeof value === 'number') appender.appendDouble(value);
      else appender.appendNull();
      return;
    case 'VARCHAR':
      appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
      return;
    case 'JSON':
      appender.appendVarchar(JSON.stringify(value));
      return;
    case 'TIMESTAMP': {
      const ms = timestampMsOf(value);
      if (ms === undefined) appender.appendNull();
      else appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(ms * 1000))));
      return;
    }
  }
}
