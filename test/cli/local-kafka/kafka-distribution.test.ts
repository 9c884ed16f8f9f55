import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureKafkaDistribution,
  isFetchCurrent,
  kafkaDistribution,
  renderDistributionPom,
} from '../../../src/cli/local-kafka/kafka-distribution.js';
import { localKafkaLayout } from '../../../src/cli/local-kafka/local-kafka-layout.js';

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A stand-in for mvn: logs its call, prints two download lines and writes two jars into the
 * -DoutputDirectory it was given, as dependency:copy-dependencies does.
 */
function fakeMaven(dir: string): { command: string; callsFile: string } {
  const callsFile = join(dir, 'calls');
  const command = join(dir, 'mvn');
  writeFileSync(
    command,
    [
      '#!/bin/sh',
      `echo "$@" >> '${callsFile}'`,
      'for a in "$@"; do case "$a" in -DoutputDirectory=*) out="${a#-DoutputDirectory=}";; esac; done',
      'mkdir -p "$out" && touch "$out/kafka_2.13-4.3.1.jar" "$out/kafka-clients-4.3.1.jar"',
      'echo "Downloaded from central: https://repo/kafka_2.13-4.3.1.jar (1 MB at 1 MB/s)"',
      'echo "Downloaded from central: https://repo/kafka-clients-4.3.1.jar (1 MB at 1 MB/s)"',
    ].join('\n'),
  );
  chmodSync(command, 0o755);
  return { command, callsFile };
}

describe('renderDistributionPom', () => {
  it('lists the broker, the tools and the log binding as dependencies', () => {
    const pom = renderDistributionPom(kafkaDistribution('4.3.1'));
    expect(pom).toContain(
      '<groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>4.3.1</version>',
    );
    expect(pom).toContain('<artifactId>kafka-tools</artifactId><version>4.3.1</version>');
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId><version>2.25.4</version>');
    expect(pom).toContain('<packaging>pom</packaging>');
  });
});

describe('isFetchCurrent', () => {
  const pom = renderDistributionPom(kafkaDistribution('4.3.1'));

  it('is false without a marker, with a broken marker, or with a marker of another pom', () => {
    expect(isFetchCurrent(undefined, pom)).toBe(false);
    expect(isFetchCurrent('{not json', pom)).toBe(false);
    expect(isFetchCurrent(JSON.stringify({ pomSha256: 'abc', jarCount: 3 }), pom)).toBe(false);
  });
});

describe('ensureKafkaDistribution', () => {
  it('runs mvn once, writes the jars and a marker, and does nothing the second time', async () => {
    const root = tempDir('sluice-dist-');
    const maven = fakeMaven(tempDir('sluice-mvn-'));
    const layout = localKafkaLayout({ port: 19092, rootDir: root });
    const lines: string[] = [];

    const first = await ensureKafkaDistribution(layout, (l) => lines.push(l), {
      mvnCommand: maven.command,
    });
    expect(first).toMatchObject({ fetched: true, jarCount: 2 });
    expect(readdirSync(layout.libsDir).sort()).toEqual([
      'kafka-clients-4.3.1.jar',
      'kafka_2.13-4.3.1.jar',
    ]);
    expect(
      isFetchCurrent(
        readFileSync(layout.fetchMarkerFile, 'utf8'),
        readFileSync(layout.pomFile, 'utf8'),
      ),
    ).toBe(true);
    expect(readFileSync(layout.fetchLogFile, 'utf8')).toContain('Downloaded from central');
    expect(existsSync(`${layout.libsDir}.partial`)).toBe(false);
    const call = readFileSync(maven.callsFile, 'utf8');
    expect(call).toContain('dependency:copy-dependencies');
    expect(call).toContain('-DincludeScope=runtime');
    expect(lines[0]).toMatch(/^Fetching Apache Kafka 4\.3\.1 jars/);

    const second = await ensureKafkaDistribution(layout, (l) => lines.push(l), {
      mvnCommand: maven.command,
    });
    expect(second).toEqual({ fetched: false, jarCount: 2, durationMs: 0 });
    expect(readFileSync(maven.callsFile, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('throws KAFKA_MAVEN_MISSING when mvn cannot be run', async () => {
    const layout = localKafkaLayout({ port: 19092, rootDir: tempDir('sluice-dist-') });
    await expect(
      ensureKafkaDistribution(layout, () => undefined, { mvnCommand: '/nonexistent/mvn' }),
    ).rejects.toMatchObject({ code: 'KAFKA_MAVEN_MISSING' });
    expect(existsSync(layout.fetchMarkerFile)).toBe(false);
  });

  it('throws KAFKA_START_FAILED naming the log when mvn fails', async () => {
    const dir = tempDir('sluice-mvn-');
    const failing = join(dir, 'mvn');
    writeFileSync(failing, '#!/bin/sh\necho "[ERROR] Could not resolve dependencies"\nexit 1\n');
    chmodSync(failing, 0o755);
    const layout = localKafkaLayout({ port: 19092, rootDir: tempDir('sluice-dist-') });
    await expect(
      ensureKafkaDistribution(layout, () => undefined, { mvnCommand: failing }),
    ).rejects.toMatchObject({
      code: 'KAFKA_START_FAILED',
      message: expect.stringContaining(layout.fetchLogFile),
    });
    expect(existsSync(layout.fetchMarkerFile)).toBe(false);
  });
});
