import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokerJvmArgs,
  isBrokerProcess,
  isProcessAlive,
  readPidFile,
  terminateProcess,
  writePidFile,
} from '../../../src/cli/local-kafka/broker-process.js';

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sluice-proc-'));
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

/** A node child that prints "ready" once its SIGTERM handling is in place. */
async function child(script: string): Promise<number> {
  const proc = spawn(
    process.execPath,
    ['-e', `${script}; console.log('ready'); setInterval(() => {}, 1000)`],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  children.push(proc);
  await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
  return proc.pid!;
}

describe('pid file', () => {
  it('round-trips a pid and is undefined when missing or garbled', async () => {
    const file = join(dir, 'broker.pid');
    expect(await readPidFile(file)).toBeUndefined();
    await writePidFile(file, 4242);
    expect(await readPidFile(file)).toBe(4242);
    await writePidFile(join(dir, 'bad.pid'), Number.NaN);
    expect(await readPidFile(join(dir, 'bad.pid'))).toBeUndefined();
  });
});

describe('isBrokerProcess', () => {
  it('does not take a live process with another command line for the broker', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isBrokerProcess(process.pid, '/x/server.properties')).toBe(false);
  });
});

describe('terminateProcess', () => {
  it('stops a process that honours SIGTERM without escalating', async () => {
    const pid = await child("process.on('SIGTERM', () => process.exit(0))");
    expect(await terminateProcess(pid, { gracefulMs: 10_000, pollMs: 20 })).toBe('stopped');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const pid = await child("process.on('SIGTERM', () => {})");
    expect(await terminateProcess(pid, { gracefulMs: 300, pollMs: 20 })).toBe('killed');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('reports a pid that is not running', async () => {
    const pid = await child("process.on('SIGTERM', () => process.exit(0))");
    await terminateProcess(pid, { gracefulMs: 10_000, pollMs: 20 });
    expect(await terminateProcess(pid, { gracefulMs: 10_000 })).toBe('not-running');
  });
});

describe('brokerJvmArgs', () => {
  it('runs kafka.Kafka with the heap, the log4j2 config and the wildcard class path', () => {
    const args = brokerJvmArgs({
      javaPath: 'java',
      classPath: '/k/libs/*',
      serverPropertiesFile: '/k/server.properties',
      log4jConfigFile: '/k/log4j2.properties',
      outFile: '/k/kafka.out',
      heapMb: 512,
    });
    expect(args).toContain('-Xmx512m');
    expect(args).toContain('-Xms512m');
    expect(args).toContain('-Dlog4j2.configurationFile=/k/log4j2.properties');
    expect(args.slice(-4)).toEqual(['-cp', '/k/libs/*', 'kafka.Kafka', '/k/server.properties']);
  });
});
