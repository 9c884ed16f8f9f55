// The embedded DuckDB file under the state dir (`<stateDir>/sluice.duckdb`): one locked-down
// instance per file and process, shared by the DuckDB sinks (writer) and `POST /sql` (readers).

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SluiceError, errorMessage } from '../core/errors.js';

/** Name of the DuckDB file inside the state dir. */
export const DUCKDB_FILE_NAME = 'sluice.duckdb';

/** `<stateDir>/sluice.duckdb`. */
export function duckdbPathIn(stateDir: string): string {
  return join(stateDir, DUCKDB_FILE_NAME);
}

/** Instance-wide limits (DuckDB has no per-connection memory limit). */
export interface DuckdbLimits {
  /** DuckDB `memory_limit` (its buffer manager: tables, joins, sorts). Default `512MB`. */
  readonly memoryLimit?: string;
  /** DuckDB `threads` per statement. Default 1: this is a 2-core box that also runs the jobs. */
  readonly threads?: number;
  /** Bound on spill files of large sorts and joins. Default `1GB`. */
  readonly maxTempDirectorySize?: string;
}

/**
 * The configuration every instance gets. With external access off, no statement can read or
 * write files or the network (`read_csv`, `COPY`, `ATTACH`, `INSTALL`); with the configuration
 * locked, `SET`/`PRAGMA` cannot undo that. Extensions are never installed or loaded on demand.
 */
export function lockedDownConfig(limits: DuckdbLimits = {}): Record<string, string> {
  return {
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    allow_persistent_secrets: 'false',
    memory_limit: limits.memoryLimit ?? '512MB',
    threads: String(limits.threads ?? 1),
    max_temp_directory_size: limits.maxTempDirectorySize ?? '1GB',
    // Last: once set, no later setting (from us or a statement) can change the others.
    lock_configuration: 'true',
  };
}

interface SharedInstance {
  readonly instance: DuckDBInstance;
  refs: number;
}

/**
 * DuckDB lets one process open the same file twice, as two instances that do not see each
 * other's writes and can corrupt the file; so opens of one path share one instance.
 */
const openInstances = new Map<string, SharedInstance>();

export class DuckdbDatabase {
  private closed = false;

  private constructor(
    /** Absolute path of the database file. */
    readonly path: string,
    private readonly shared: SharedInstance,
  ) {}

  /**
   * Opens (creating it and its folder if needed) the DuckDB file at `path` with the locked-down
   * configuration. A second open of the same path in this process shares the first instance
   * (and its limits); the instance closes when every opener has closed it.
   */
  static async open(path: string, limits: DuckdbLimits = {}): Promise<DuckdbDatabase> {
    const absolute = resolve(path);
    let shared = openInstances.get(absolute);
    if (!shared) {
      mkdirSync(dirname(absolute), { recursive: true });
      let instance: DuckDBInstance;
      try {
        instance = await DuckDBInstance.create(absolute, lockedDownConfig(limits));
      } catch (err) {
        throw new SluiceError(
          'STATE_STORE',
          `cannot open DuckDB file ${absolute}: ${errorMessage(err)}`,
          { cause: err },
        );
      }
      // Another open may have raced us through the await.
      shared = openInstances.get(absolute);
      if (shared) instance.closeSync();
      else openInstances.set(absolute, (shared = { instance, refs: 0 }));
    }
    shared.refs++;
    return new DuckdbDatabase(absolute, shared);
  }

  /** The DuckDB instance (for the sinks' writer connection). */
  get instance(): DuckDBInstance {
    if (this.closed) throw new SluiceError('INTERNAL', `DuckDB file ${this.path} is closed`);
    return this.shared.instance;
  }

  /** A new connection; the caller closes it (`closeSync`). */
  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Releases this opener's reference; the last one checkpoints and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (--this.shared.refs > 0) return;
    openInstances.delete(this.path);
    this.shared.instance.closeSync();
  }
}
