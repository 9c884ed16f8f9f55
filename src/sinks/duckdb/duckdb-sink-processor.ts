// The to-duckdb node: queues each record's value as a row (never awaiting per record), appends
// the queue to its DuckDB table when the task commits, and passes the record on unchanged.

import { SluiceError } from '../../core/errors.js';
import type { Processor, ProcessorContext } from '../../core/processor.js';
import type { JsonObject, JsonValue, StreamRecord } from '../../core/record.js';
import { fitsColumnType } from './duckdb-column-type.js';
import type { DuckdbRowWriter } from './duckdb-sink-writer.js';
import {
  WINDOW_LATEST_BY,
  type DuckdbRow,
  type DuckdbTableOptions,
} from './duckdb-table-options.js';

export interface DuckdbSinkOptions extends DuckdbTableOptions {
  /**
   * Queued rows that start an append before the commit (it still completes before the
   * commit). Bounds memory between commits. Default 10,000.
   */
  readonly maxBufferedRows?: number;
}

export const DEFAULT_MAX_BUFFERED_ROWS = 10_000;

/**
 * Rows reach DuckDB before the task's offsets are committed (the runtime awaits `onCommit`
 * first), so a crash loses none but may append some twice: at-least-once. Versions of one
 * `latestBy` row queued in the same commit interval are coalesced to the newest; the table's
 * `<table>_latest` view picks the newest version across intervals, so a window's result there is
 * right even after a crash. Rows of tables without `latestBy` may repeat after a crash.
 */
export class DuckdbSinkProcessor implements Processor {
  private queue: DuckdbRow[] = [];
  /** Coalescing key → index in `queue`. */
  private readonly positions = new Map<string, number>();
  private readonly appending = new Set<Promise<void>>();
  private failure: unknown;
  private failed = false;
  /** Resolved from the first record when `latestBy` is not given (window results or not). */
  private latestBy: readonly string[] | undefined;
  private readonly declared: ReadonlyArray<
    [string, NonNullable<DuckdbTableOptions['columns']>[string]]
  >;
  private readonly maxBufferedRows: number;

  constructor(
    private readonly writer: DuckdbRowWriter,
    private readonly options: DuckdbSinkOptions,
  ) {
    this.declared = Object.entries(options.columns ?? {});
    this.maxBufferedRows = options.maxBufferedRows ?? DEFAULT_MAX_BUFFERED_ROWS;
    this.latestBy = options.latestBy;
  }

  process(record: StreamRecord, ctx: ProcessorContext): void {
    const value = record.value;
    const problem = this.declared.length > 0 ? this.checkDeclared(value, ctx.node) : undefined;
    if (problem) {
      ctx.deadLetter(record, problem);
      return;
    }
    const row: DuckdbRow = { value, ingestedMs: ctx.nowMs() };
    const key = this.coalescingKey(value);
    const at = key === undefined ? undefined : this.positions.get(key);
    if (at !== undefined) {
      this.queue[at] = row;
    } else {
      if (key !== undefined) this.positions.set(key, this.queue.length);
      this.queue.push(row);
      if (this.queue.length >= this.maxBufferedRows) this.startAppend();
    }
    ctx.forward(record);
  }

  /** Appends what is queued and waits for every append of this task; throws if one failed. */
  async onCommit(): Promise<void> {
    this.startAppend();
    while (this.appending.size > 0) await Promise.all(this.appending);
    if (this.failed) {
      const failure = this.failure;
      this.failed = false;
      this.failure = undefined;
      throw failure;
    }
  }

  /** Drops what was not committed (it will be processed again) after appends in progress end. */
  async close(): Promise<void> {
    this.queue = [];
    this.positions.clear();
    await Promise.allSettled([...this.appending]);
  }

  private startAppend(): void {
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    this.positions.clear();
    const append: Promise<void> = this.writer
      .append(this.options.table, rows)
      .catch((err: unknown) => {
        if (!this.failed) {
          this.failed = true;
          this.failure = err;
        }
      })
      .finally(() => this.appending.delete(append));
    this.appending.add(append);
  }

  private coalescingKey(value: JsonObject): string | undefined {
    if (this.latestBy === undefined) {
      // Window results carry key and startMs: their versions collapse per window.
      this.latestBy = WINDOW_LATEST_BY.every((f) => Object.hasOwn(value, f))
        ? WINDOW_LATEST_BY
        : [];
    }
    if (this.latestBy.length === 0) return undefined;
    let key = '';
    for (const field of this.latestBy) key += `${keyPart(value[field])}\u0000`;
    return key;
  }

  private checkDeclared(value: JsonObject, node: string): SluiceError | undefined {
    for (const [field, type] of this.declared) {
      const v = value[field];
      if (v === undefined || v === null || fitsColumnType(v, type)) continue;
      const shown = JSON.stringify(v);
      return new SluiceError(
        'FIELD_TYPE',
        `field "${field}" does not fit DuckDB column ${this.options.table}.${field} ${type}: ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}`,
        { context: { node, field } },
      );
    }
    return undefined;
  }
}

/** One value of a coalescing key; the type prefix keeps `1` and `"1"` apart. */
function keyPart(value: JsonValue | undefined): string {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number') return `n${value}`;
  return `j${JSON.stringify(value ?? null)}`;
}
