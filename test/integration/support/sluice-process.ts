// A real `sluice run <job file>` child process for crash, restore and scale-out proofs: started
// with its own state dir and API port, its log lines kept for assertions, killed or stopped by
// signal, and queried over its HTTP API. Runs the compiled CLI (dist/), so build first.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/integration/support/sluice-process.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SLUICE_BIN = join(REPO_ROOT, 'bin', 'sluice.js');

/**
 * Throws a clear error unless dist/ holds a build these proofs can run: the CLI entry and a
 * config that reads SLUICE_SESSION_TIMEOUT_MS (older builds would wait 30 s per kill).
 */
export function assertBuilt(): void {
  const main = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  const config = join(REPO_ROOT, 'dist', 'config', 'sluice-config.js');
  if (!existsSync(main) || !existsSync(config)) {
    throw new Error(`dist/ is missing (${main}): run \`npm run build\` before these tests`);
  }
  if (!readFileSync(config, 'utf8').includes('SLUICE_SESSION_TIMEOUT_MS')) {
    throw new Error('dist/ is older than src/ (no SLUICE_SESSION_TIMEOUT_MS): run `npm run build`');
  }
}

export interface SluiceProcessOptions {
  readonly jobFiles: readonly string[];
  readonly brokers: readonly string[];
  readonly stateDir: string;
  /** Query API port on 127.0.0.1 (must be free). */
  readonly apiPort: number;
  readonly commitIntervalMs?: number;
  /** Consumer-group session timeout (SLUICE_SESSION_TIMEOUT_MS), ms; the broker's floor is 6000. */
  readonly sessionTimeoutMs?: number;
  /** Echo each log line through this (e.g. console.log with a prefix); default: keep silent. */
  readonly echo?: (line: string) => void;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface JsonResponse<T> {
  readonly status: number;
  readonly body: T;
}

interface LineWaiter {
  readonly pattern: RegExp;
  readonly fromIndex: number;
  readonly resolve: (found: { index: number; match: RegExpMatchArray }) => void;
}

export class SluiceProcess {
  /** Every line the process printed (stdout and stderr interleaved as they arrived). */
  readonly lines: string[] = [];
  readonly exited: Promise<ProcessExit>;
  /** Wall-clock ms when the process was spawned. */
  readonly startedAtMs = Date.now();
  private exit: ProcessExit | undefined;
  private readonly waiters = new Set<LineWaiter>();

  private constructor(
    private readonly child: ChildProcess,
    readonly options: SluiceProcessOptions,
  ) {
    let pending = { out: '', err: '' };
    const take = (which: 'out' | 'err', chunk: Buffer): void => {
      const text = pending[which] + chunk.toString('utf8');
      const parts = text.split('\n');
      pending = { ...pending, [which]: parts.pop() ?? '' };
      for (const line of parts) this.addLine(line);
    };
    child.stdout?.on('data', (c: Buffer) => take('out', c));
    child.stderr?.on('data', (c: Buffer) => take('err', c));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        for (const rest of [pending.out, pending.err]) if (rest !== '') this.addLine(rest);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** Spawns `bin/sluice.js run <jobFiles…>` with the options as environment variables. */
  static start(options: SluiceProcessOptions): SluiceProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: options.brokers.join(','),
      SLUICE_STATE_DIR: options.stateDir,
      SLUICE_HOST: '127.0.0.1',
      SLUICE_PORT: String(options.apiPort),
      SLUICE_COMMIT_INTERVAL_MS: String(options.commitIntervalMs ?? 200),
      ...(options.sessionTimeoutMs === undefined
        ? {}
        : { SLUICE_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs) }),
    };
    // The bin itself, as a user runs `sluice run`: its shebang carries the shipped node flags.
    const child = spawn(SLUICE_BIN, ['run', ...options.jobFiles], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new SluiceProcess(child, options);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.options.apiPort}`;
  }

  /** Resolves with the first line at index ≥ `fromIndex` matching `pattern`. */
  waitForLine(
    pattern: RegExp,
    options: { timeoutMs?: number; fromIndex?: number } = {},
  ): Promise<{ index: number; match: RegExpMatchArray }> {
    const fromIndex = options.fromIndex ?? 0;
    for (let i = fromIndex; i < this.lines.length; i++) {
      const match = this.lines[i]!.match(pattern);
      if (match) return Promise.resolve({ index: i, match });
    }
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const waiter: LineWaiter = {
        pattern,
        fromIndex,
        resolve: (found) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(found);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `pid ${this.pid}: no log line matching ${pattern} within ${timeoutMs} ms; last lines:\n` +
              this.lines.slice(-15).join('\n'),
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
      void this.exited.then(() => {
        if (!this.waiters.has(waiter)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        reject(
          new Error(
            `pid ${this.pid} exited (${JSON.stringify(this.exit)}) before a line matching ${pattern}; last lines:\n` +
              this.lines.slice(-15).join('\n'),
          ),
        );
      });
    });
  }

  /** Lines matching `pattern` (from `fromIndex`). */
  linesMatching(pattern: RegExp, fromIndex = 0): RegExpMatchArray[] {
    const out: RegExpMatchArray[] = [];
    for (let i = fromIndex; i < this.lines.length; i++) {
      const match = this.lines[i]!.match(pattern);
      if (match) out.push(match);
    }
    return out;
  }

  /** Sends a signal; SIGKILL is the crash under test (no commit, no group leave). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM (graceful: commit, leave the group) and wait; SIGKILL if it takes over `timeoutMs`. */
  async stop(timeoutMs = 60_000): Promise<ProcessExit> {
    if (!this.running) return this.exit!;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** GET a JSON resource of the query API. */
  async getJson<T>(path: string, timeoutMs = 10_000): Promise<JsonResponse<T>> {
    const res = await fetch(`${this.apiUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics): keep the text
    }
    return { status: res.status, body: body as T };
  }

  /** Polls `GET path` until the API answers (any status), e.g. after spawn. */
  async waitForApi(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`pid ${this.pid} exited before its API answered`);
      try {
        await this.getJson('/health', 2_000);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`pid ${this.pid}: API ${this.apiUrl} did not answer within ${timeoutMs} ms`);
  }

  private addLine(line: string): void {
    const index = this.lines.length;
    this.lines.push(line);
    this.options.echo?.(line);
    for (const waiter of [...this.waiters]) {
      if (index < waiter.fromIndex) continue;
      const match = line.match(waiter.pattern);
      if (match) waiter.resolve({ index, match });
    }
  }
}
