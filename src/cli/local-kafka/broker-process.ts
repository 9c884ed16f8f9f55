// The broker's JVM as an operating-system process: spawned detached with its output in a file,
// remembered by a pid file, recognised by its command line, stopped with SIGTERM then SIGKILL.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';

export interface BrokerLaunch {
  javaPath: string;
  /** Class path for `java -cp`, e.g. `<libs>/*`. */
  classPath: string;
  serverPropertiesFile: string;
  log4jConfigFile: string;
  /** Receives the JVM's stdout and stderr. */
  outFile: string;
  /** Heap size in MiB, used for both -Xms and -Xmx as Kafka's own scripts do. */
  heapMb: number;
}

/** The JVM arguments of the broker: Kafka's scripts' G1 settings plus our log4j2 config. */
export function brokerJvmArgs(launch: BrokerLaunch): string[] {
  return [
    `-Xms${launch.heapMb}m`,
    `-Xmx${launch.heapMb}m`,
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${launch.log4jConfigFile}`,
    '-cp',
    launch.classPath,
    'kafka.Kafka',
    launch.serverPropertiesFile,
  ];
}

/**
 * Starts the broker in its own process group, detached from ours, so it outlives the command
 * that started it and a Ctrl-C in that terminal does not reach it.
 */
export function spawnBroker(launch: BrokerLaunch): ChildProcess {
  const outFd = openSync(launch.outFile, 'a');
  try {
    const child = spawn(launch.javaPath, brokerJvmArgs(launch), {
      detached: true,
      stdio: ['ignore', outFd, outFd],
    });
    child.unref();
    return child;
  } finally {
    closeSync(outFd);
  }
}

export async function writePidFile(pidFile: string, pid: number): Promise<void> {
  await writeFile(pidFile, `${pid}\n`);
}

/** The pid in `pidFile`, or undefined when the file is missing or holds no pid. */
export async function readPidFile(pidFile: string): Promise<number | undefined> {
  try {
    const text = (await readFile(pidFile, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}

/** True while `pid` exists and is not a zombie (exited, waiting to be reaped). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may itself hold spaces).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/**
 * True when `pid` is alive and is the Kafka broker started with `serverPropertiesFile`, so a
 * stale pid file whose pid the OS gave to another process is never mistaken for our broker.
 */
export function isBrokerProcess(pid: number, serverPropertiesFile: string): boolean {
  if (!isProcessAlive(pid)) return false;
  const commandLine = processCommandLine(pid);
  return (
    commandLine !== undefined &&
    commandLine.includes('kafka.Kafka') &&
    commandLine.includes(serverPropertiesFile)
  );
}

function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : undefined;
  }
}

export type TerminateOutcome = 'not-running' | 'stopped' | 'killed';

/**
 * Sends SIGTERM (Kafka shuts down cleanly: flushes logs, closes the metadata log) and polls
 * every `pollMs` until the process is gone; after `gracefulMs` sends SIGKILL and waits for
 * that too. Resolves only once the pid no longer runs.
 */
export async function terminateProcess(
  pid: number,
  options: { gracefulMs: number; pollMs?: number; onWaiting?: (elapsedMs: number) => void },
): Promise<TerminateOutcome> {
  if (!isProcessAlive(pid)) return 'not-running';
  const pollMs = options.pollMs ?? 100;
  signal(pid, 'SIGTERM');
  const startedMs = Date.now();
  let lastReportMs = startedMs;
  while (Date.now() - startedMs < options.gracefulMs) {
    if (!isProcessAlive(pid)) return 'stopped';
    await delay(pollMs);
    if (options.onWaiting !== undefined && Date.now() - lastReportMs >= 5000) {
      lastReportMs = Date.now();
      options.onWaiting(lastReportMs - startedMs);
    }
  }
  if (!isProcessAlive(pid)) return 'stopped';
  signal(pid, 'SIGKILL');
  // SIGKILL cannot be ignored; the wait covers the kernel tearing the process down.
  const killedMs = Date.now();
  while (isProcessAlive(pid)) {
    if (Date.now() - killedMs > 10_000) {
      throw new Error(`process ${pid} survived SIGKILL for 10 s`);
    }
    await delay(pollMs);
  }
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function delay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
