// The DuckDB file: opened locked down (no files, no network, no settings changes), one shared
// instance per path and process, closed when its last opener closes it.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DUCKDB_FILE_NAME,
  DuckdbDatabase,
  duckdbPathIn,
  lockedDownConfig,
} from '../../src/analytics/duckdb-database.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-db-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function settings(database: DuckdbDatabase, names: string[]): Promise<unknown[]> {
  const connection = await database.connect();
  try {
    const list = names.map((n) => `current_setting('${n}')`).join(', ');
    return (await connection.runAndReadAll(`SELECT ${list}`)).getRowsJS()[0] ?? [];
  } finally {
    connection.closeSync();
  }
}

describe('DuckdbDatabase', () => {
  it('lives at <stateDir>/sluice.duckdb, creating the state dir', async () => {
    const path = duckdbPathIn(join(dir, 'state'));
    expect(path).toBe(join(dir, 'state', DUCKDB_FILE_NAME));
    const database = await DuckdbDatabase.open(path);
    database.close();
    expect(existsSync(path)).toBe(true);
  });

  it('is locked down: no external access, no extension autoload, configuration locked', async () => {
    const database = await DuckdbDatabase.open(join(dir, 'a.duckdb'), {
      memoryLimit: '256MB',
      threads: 1,
    });
    try {
      expect(
        await settings(database, [
          'enable_external_access',
          'autoinstall_known_extensions',
          'autoload_known_extensions',
          'lock_configuration',
          'threads',
        ]),
      ).toEqual([false, false, false, true, 1n]);
      const connection = await database.connect();
      try {
        await expect(connection.run("SET memory_limit = '8GB'")).rejects.toThrow(
          /configuration has been locked/,
        );
        await expect(connection.run("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(
          /Permission Error/,
        );
      } finally {
        connection.closeSync();
      }
    } finally {
      database.close();
    }
  });

  it('lists the settings it applies', () => {
    expect(lockedDownConfig({ memoryLimit: '1GB', threads: 2 })).toMatchObject({
      enable_external_access: 'false',
      lock_configuration: 'true',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      memory_limit: '1GB',
      threads: '2',
    });
  });

  it('shares one instance per path in a process and closes it with the last opener', async () => {
    const path = join(dir, 'shared.duckdb');
    const [a, b] = await Promise.all([DuckdbDatabase.open(path), DuckdbDatabase.open(path)]);
    const first = a.instance;
    expect(b.instance).toBe(first);
    const writer = await a.connect();
    await writer.run('CREATE TABLE t AS SELECT 42 AS answer');
    writer.closeSync();
    a.close();
    // Still open for b, and b sees a's table (two instances would not).
    const reader = await b.connect();
    expect((await reader.runAndReadAll('SELECT answer FROM t')).getRowsJS()).toEqual([[42]]);
    reader.closeSync();
    b.close();
    expect(() => b.instance).toThrow(/is closed/);
    const again = await DuckdbDatabase.open(path);
    expect(again.instance).not.toBe(first);
    again.close();
  });
});
