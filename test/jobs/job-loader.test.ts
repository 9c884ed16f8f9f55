import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findJob, loadJobFiles, parseJobText } from '../../src/jobs/job-loader.js';
import { formatJobProblem } from '../../src/jobs/job-problem.js';

const VALID = `name: ok-job
source:
  topics: [in]
nodes:
  - kind: filter
    name: f
    where: a > 1
  - kind: to-topic
    name: out
    topic: out
`;

function problemsOf(text: string): string[] {
  return parseJobText(text, 'job.yaml').problems.map(formatJobProblem);
}

describe('parseJobText', () => {
  it('returns the spec of a valid file', () => {
    const { spec, problems } = parseJobText(VALID, 'job.yaml');
    expect(problems).toEqual([]);
    expect(spec?.name).toBe('ok-job');
    expect(spec?.nodes.map((n) => n.kind)).toEqual(['filter', 'to-topic']);
  });

  it('places a problem at the value, an unknown field at its key, a missing one at its parent', () => {
    const text = `name: ok-job
source:
  topics: [in]
  startFrom: 3
nodes:
  - kind: filter
    name: f
    wehre: a > 1
`;
    expect(problemsOf(text)).toEqual([
      'job.yaml:4:14: source.startFrom: must be a string',
      'job.yaml:4:14: source.startFrom: must be one of: "earliest", "latest" (got 3)',
      'job.yaml:6:5: nodes[0].where: required field is missing',
      'job.yaml:8:5: nodes[0].wehre: unknown field (allowed: kind, name, where)',
    ]);
  });

  it('points into a plain, a quoted and a block expression', () => {
    const text = `name: ok-job
source:
  topics: [in]
nodes:
  - kind: derive
    name: d
    fields:
      plain: a + foo(b)
      quoted: "a + \\"x\\" + bar(b)"
      single: 'a ? 1 : baz(b)'
      block: |-
        a +
          qux(b)
      folded: >-
        a
        + quux(b)
  - kind: to-topic
    name: out
    topic: out
`;
    const lines = text.split('\n');
    const at = (line: number, name: string): number => lines[line - 1]!.indexOf(name) + 1;
    expect(problemsOf(text).map((p) => p.replace(/ \(allowed.*$/, ''))).toEqual([
      `job.yaml:8:${at(8, 'foo')}: nodes[0].fields.plain: unknown function "foo"`,
      `job.yaml:9:${at(9, 'bar')}: nodes[0].fields.quoted: unknown function "bar"`,
      `job.yaml:10:${at(10, 'baz')}: nodes[0].fields.single: unknown function "baz"`,
      `job.yaml:13:${at(13, 'qux')}: nodes[0].fields.block: unknown function "qux"`,
      `job.yaml:16:${at(16, 'quux')}: nodes[0].fields.folded: unknown function "quux"`,
    ]);
  });

  it('names the line of a YAML syntax error and stops there', () => {
    const problems = parseJobText(
      'name: x\nsource: {topics: [in]\nnodes: []\n',
      'bad.yaml',
    ).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.code === 'JOB_YAML_SYNTAX')).toBe(true);
    expect(formatJobProblem(problems[0]!)).toMatch(/^bad\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('reports duplicate keys and several documents as YAML errors', () => {
    expect(problemsOf('name: a\nname: b\n')[0]).toContain(
      'YAML syntax error: Map keys must be unique',
    );
    expect(problemsOf('name: a\n---\nname: b\n')[0]).toContain('YAML syntax error');
  });

  it('reports an empty file and a file that is not a mapping', () => {
    expect(problemsOf('# only a comment\n')).toEqual(['job.yaml:1:1: job file is empty']);
    expect(problemsOf('- a\n- b\n')).toEqual(['job.yaml:1:1: must be a mapping (key: value)']);
  });

  it('refuses a __proto__ key instead of changing a prototype', () => {
    const text = VALID.replace(
      '    where: a > 1\n',
      '    where: a > 1\n    __proto__: { polluted: true }\n',
    );
    expect(problemsOf(text)).toEqual([
      'job.yaml:8:5: nodes[0].__proto__: unknown field (allowed: kind, name, where)',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('loadJobFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-jobs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads *.yaml and *.yml files of a directory, in name order, and reports the bad ones', async () => {
    await writeFile(join(dir, 'b.yml'), VALID.replace('ok-job', 'job-b'));
    await writeFile(join(dir, 'a.yaml'), VALID.replace('ok-job', 'job-a'));
    await writeFile(join(dir, 'c.yaml'), VALID.replace('a > 1', 'a >'));
    await writeFile(join(dir, 'notes.txt'), 'not a job');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'd.yaml'), VALID);
    const result = await loadJobFiles([dir]);
    expect(result.jobs.map((j) => j.spec.name)).toEqual(['job-a', 'job-b']);
    expect(result.problems.map(formatJobProblem)).toEqual([
      `${join(dir, 'c.yaml')}:7:15: nodes[0].where: syntax error: Unexpected end of expression`,
    ]);
  });

  it('reports a missing path and an empty directory with JOB_NOT_FOUND', async () => {
    const result = await loadJobFiles([join(dir, 'nope.yaml'), dir]);
    expect(result.problems.map((p) => [p.code, p.message])).toEqual([
      ['JOB_NOT_FOUND', 'no such file or directory'],
      ['JOB_NOT_FOUND', 'no job files (*.yaml, *.yml) in this directory'],
    ]);
  });

  it('refuses two files defining the same job', async () => {
    await writeFile(join(dir, 'a.yaml'), VALID);
    await writeFile(join(dir, 'b.yaml'), VALID);
    const result = await loadJobFiles([dir]);
    expect(result.jobs.map((j) => j.file)).toEqual([join(dir, 'a.yaml')]);
    expect(result.problems[0]?.message).toBe(
      `job "ok-job" is also defined in ${join(dir, 'a.yaml')}`,
    );
  });

  it('finds a job by file or by name', async () => {
    await writeFile(join(dir, 'first.yaml'), VALID.replace('ok-job', 'first'));
    expect((await findJob(join(dir, 'first.yaml'))).job?.spec.name).toBe('first');
    expect((await findJob('first', dir)).job?.spec.name).toBe('first');
    const missing = await findJob('second', dir);
    expect(missing.job).toBeUndefined();
    expect(missing.problems[0]?.code).toBe('JOB_NOT_FOUND');
    expect(missing.problems[0]?.message).toContain('(jobs: first)');
  });
});
