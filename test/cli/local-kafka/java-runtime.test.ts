import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import { javaRuntime, parseJavaMajorVersion } from '../../../src/cli/local-kafka/java-runtime.js';

const tempDirs: string[] = [];

/** A JAVA_HOME whose bin/java prints `versionLine` to stderr, as real java does. */
function fakeJavaHome(versionLine: string): string {
  const home = mkdtempSync(join(tmpdir(), 'sluice-java-'));
  tempDirs.push(home);
  mkdirSync(join(home, 'bin'));
  const java = join(home, 'bin', 'java');
  writeFileSync(java, `#!/bin/sh\necho '${versionLine}' >&2\n`);
  chmodSync(java, 0o755);
  return home;
}

afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('parseJavaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "25-ea" 2025-09-16', 25],
    ['java version "1.8.0_292"', 8],
    ['openjdk version "11.0.2" 2019-01-15', 11],
  ])('%s → %i', (text, major) => {
    expect(parseJavaMajorVersion(text)).toBe(major);
  });

  it('is undefined when no version is printed', () => {
    expect(parseJavaMajorVersion('command not found')).toBeUndefined();
  });
});

describe('javaRuntime', () => {
  it('uses JAVA_HOME/bin/java and accepts Java 17+', () => {
    const home = fakeJavaHome('openjdk version "21.0.1" 2023-10-17');
    const java = javaRuntime({ ...process.env, JAVA_HOME: home });
    expect(java).toEqual({
      javaPath: join(home, 'bin', 'java'),
      majorVersion: 21,
      versionLine: 'openjdk version "21.0.1" 2023-10-17',
    });
  });

  it('rejects a Java older than 17 with KAFKA_JAVA_MISSING', () => {
    const home = fakeJavaHome('openjdk version "11.0.2" 2019-01-15');
    expect(() => javaRuntime({ ...process.env, JAVA_HOME: home })).toThrow(
      expect.objectContaining({
        code: 'KAFKA_JAVA_MISSING',
        message: expect.stringMatching(/11\.0\.2/),
      }),
    );
  });

  it('reports KAFKA_JAVA_MISSING when no java is on PATH', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sluice-nopath-'));
    tempDirs.push(empty);
    let caught: unknown;
    try {
      javaRuntime({ PATH: empty });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SluiceError);
    expect((caught as SluiceError).code).toBe('KAFKA_JAVA_MISSING');
    expect((caught as SluiceError).domain).toBe('external');
  });
});
