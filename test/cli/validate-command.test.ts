import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCommand, type CommandOutput } from '../../src/cli/validate-command.js';

function capture(): CommandOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const GOOD = `name: good
source: { topics: [in] }
nodes:
  - { kind: to-topic, name: out, topic: out }
`;

describe('sluice validate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-validate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints ok per valid job and exits 0', async () => {
    await writeFile(join(dir, 'good.yaml'), GOOD);
    const io = capture();
    expect(await validateCommand([dir], io)).toBe(0);
    expect(io.stdout).toEqual([`ok ${join(dir, 'good.yaml')} (good)`]);
    expect(io.stderr).toEqual([]);
  });

  it('prints every problem as file:line:col: path: message and exits 1', async () => {
    await writeFile(join(dir, 'good.yaml'), GOOD);
    await writeFile(
      join(dir, 'bad.yaml'),
      `name: bad
source: { topics: [in], colour: red }
nodes:
  - { kind: filter, name: f, where: parse("1") }
`,
    );
    const io = capture();
    expect(await validateCommand([dir], io)).toBe(1);
    expect(io.stdout).toEqual([`ok ${join(dir, 'good.yaml')} (good)`]);
    expect(io.stderr).toEqual([
      `${join(dir, 'bad.yaml')}:2:25: source.colour: unknown field (allowed: topics, format, timestampField, startFrom, maxRecordBytes, fields)`,
      `${join(dir, 'bad.yaml')}:4:37: nodes[0].where: function "parse" is not allowed: it could change mathjs or run other code`,
      '2 problems found',
    ]);
  });

  it('reports a missing path', async () => {
    const io = capture();
    expect(await validateCommand([join(dir, 'none.yaml')], io)).toBe(1);
    expect(io.stderr[0]).toBe(`${join(dir, 'none.yaml')}: no such file or directory`);
  });

  it('validates jobs/ by default', async () => {
    const io = capture();
    expect(await validateCommand([], io)).toBe(0);
    expect(io.stdout).toContain('ok jobs/activity-enrich.yaml (activity-enrich)');
  });

  it('has --help and refuses unknown options', async () => {
    const io = capture();
    expect(await validateCommand(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toContain('Usage: sluice validate');
    expect(await validateCommand(['--strict'], io)).toBe(2);
    expect(io.stderr[0]).toContain('unknown option --strict');
  });
});
