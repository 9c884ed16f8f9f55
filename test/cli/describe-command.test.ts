import { describe, expect, it } from 'vitest';
import { describeCommand } from '../../src/cli/describe-command.js';
import type { CommandOutput } from '../../src/cli/validate-command.js';

function capture(): CommandOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('sluice describe', () => {
  it('prints the topology of a job found by name in jobs/', async () => {
    const io = capture();
    expect(await describeCommand(['activity-enrich'], io)).toBe(0);
    expect(io.stdout[0]).toContain('Topology: activity-enrich');
    expect(io.stdout[0]).toContain('Processor: known-events (filter)');
    expect(io.stdout[0]).toContain('--> topic activity-enriched');
  });

  it('accepts a file path', async () => {
    const io = capture();
    expect(await describeCommand(['jobs/activity-enrich.yaml'], io)).toBe(0);
    expect(io.stdout[0]).toContain('Source: user-activity');
  });

  it('says which jobs exist when the name is unknown', async () => {
    const io = capture();
    expect(await describeCommand(['nope'], io)).toBe(1);
    expect(io.stderr[0]).toContain(
      'no job file or job named "nope" in jobs (jobs: activity-enrich',
    );
  });

  it('prints problems of an invalid job file', async () => {
    const io = capture();
    expect(await describeCommand(['test/jobs/invalid/key-by-last.yaml'], io)).toBe(1);
    expect(io.stderr[0]).toContain('nodes[0].kind: a key-by must be followed');
  });

  it('has --help and needs exactly one job', async () => {
    const io = capture();
    expect(await describeCommand(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toContain('Usage: sluice describe');
    expect(await describeCommand([], io)).toBe(2);
    expect(await describeCommand(['a', 'b'], io)).toBe(2);
    expect(await describeCommand(['--jobs-dir'], io)).toBe(2);
  });
});
