// Finds the Java the local broker runs on (JAVA_HOME first, then PATH) and checks it is new
// enough for Kafka 4.x; the first check before anything is fetched or started.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../core/errors.js';

/** Kafka 4.x brokers and tools need Java 17 or newer. */
export const MIN_JAVA_MAJOR = 17;

export interface JavaRuntime {
  /** Executable to spawn: `$JAVA_HOME/bin/java` when that exists, else `java` from PATH. */
  javaPath: string;
  majorVersion: number;
  /** First line of `java -version`, for messages. */
  versionLine: string;
}

/** Locates java and checks its version; throws KAFKA_JAVA_MISSING when absent or too old. */
export function javaRuntime(env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined;
  const javaPath = fromHome !== undefined && existsSync(fromHome) ? fromHome : 'java';
  const result = spawnSync(javaPath, ['-version'], { encoding: 'utf8', env });
  if (result.error !== undefined || result.status !== 0) {
    throw new SluiceError(
      'KAFKA_JAVA_MISSING',
      `cannot run "${javaPath} -version": install a Java ${MIN_JAVA_MAJOR}+ runtime ` +
        `(e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME`,
      { cause: result.error },
    );
  }
  // `java -version` writes to stderr; some wrappers use stdout.
  const output = `${result.stderr}\n${result.stdout}`;
  const majorVersion = parseJavaMajorVersion(output);
  const versionLine = output.trim().split('\n')[0] ?? '';
  if (majorVersion === undefined || majorVersion < MIN_JAVA_MAJOR) {
    throw new SluiceError(
      'KAFKA_JAVA_MISSING',
      `Kafka needs Java ${MIN_JAVA_MAJOR}+, but ${javaPath} is "${versionLine}"; ` +
        `install a newer Java or point JAVA_HOME at one`,
    );
  }
  return { javaPath, majorVersion, versionLine };
}

/**
 * The feature release in `java -version` output: `"17.0.15"` → 17, `"21"` → 21,
 * `"25-ea"` → 25, and the old scheme `"1.8.0_292"` → 8. Undefined when no version is found.
 */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  if (first === 1 && match[2] !== undefined) return Number(match[2]);
  return first;
}
