// Kills a task process with SIGKILL at arbitrary points of its process/commit loop and checks
// that what it left — local RocksDB state, and separately the changelog alone — holds exactly
// the input up to the offsets it resumes from: no lost and no double-counted update.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import type { TaskStores } from '../../src/state/task-stores.js';
import { expectedState, openCrashTask } from './fixtures/crash-task.js';
import { FileChangelog } from './fixtures/file-changelog.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'crash-task.ts');

/** Runs the task until it has printed `commits` commit lines (plus a random few ms), then SIGKILLs it. */
function runAndKill(
  stateDir: string,
  changelogPath: string,
  commits: number,
  extraMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', FIXTURE, 'run', stateDir, changelogPath],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let seen = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('committed') && ++seen === commits) {
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`task exited without being killed: ${stderr}`));
    });
  });
}

async function contents(task: TaskStores, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const [k, v] of (task.stores.get(name) as CachingKeyValueStore<number>).entries())
    out[k] = v;
  return out;
}

async function expectConsistent(task: TaskStores): Promise<number> {
  const resume = Number(task.resumeOffsets.get('input') ?? '0');
  const expected = expectedState(resume);
  expect(await contents(task, 'totals')).toEqual(expected.totals);
  expect(await contents(task, 'counts')).toEqual(expected.counts);
  return resume;
}

describe('crash recovery (SIGKILL)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-crash-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'leaves local state and the changelog each equal to one clean run up to the resume offset',
    { timeout: 120_000 },
    async () => {
      const changelogPath = join(dir, 'changelog.jsonl');
      const stateDir = join(dir, 'state');
      let previous = 0;
      const rounds = [
        { commits: 3, extraMs: 0 },
        { commits: 2, extraMs: 3 },
        { commits: 4, extraMs: 1 },
        { commits: 2, extraMs: 7 },
      ];
      for (const [i, round] of rounds.entries()) {
        await runAndKill(stateDir, changelogPath, round.commits, round.extraMs);
        const changelog = new FileChangelog(changelogPath);

        const local = await openCrashTask(stateDir, changelog);
        const resumed = await expectConsistent(local);
        expect(resumed).toBeGreaterThan(previous);
        await local.close();

        const fromChangelog = await openCrashTask(join(dir, `restored-${i}`), changelog);
        expect([...fromChangelog.openReports.values()].map((r) => r.source)).toEqual([
          'restored',
          'restored',
        ]);
        const restoredAt = await expectConsistent(fromChangelog);
        expect(restoredAt).toBeGreaterThanOrEqual(previous);
        await fromChangelog.close();
        previous = resumed;
      }
    },
  );
});
