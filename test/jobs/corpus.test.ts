// Job files as a corpus: every file in jobs/ loads and builds; every file in
// test/jobs/invalid/ states on its first lines (`# expect: ...`) problems the loader must report.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJobFiles } from '../../src/jobs/job-loader.js';
import { formatJobProblem } from '../../src/jobs/job-problem.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';

const JOBS_DIR = 'jobs';
const INVALID_DIR = join('test', 'jobs', 'invalid');

describe('jobs/', () => {
  const files = readdirSync(JOBS_DIR).filter((f) => /\.ya?ml$/.test(f));

  it('has job files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} is valid and builds a topology`, async () => {
      const result = await loadJobFiles([join(JOBS_DIR, file)]);
      expect(result.problems.map(formatJobProblem)).toEqual([]);
      const [job] = result.jobs;
      expect(job).toBeDefined();
      expect(buildTopology(job!.spec).subtopologies.length).toBeGreaterThan(0);
    });
  }
});

describe('test/jobs/invalid/', () => {
  const files = readdirSync(INVALID_DIR).filter((f) => f.endsWith('.yaml'));

  it('has at least 10 invalid files', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(`${file} reports what it expects`, async () => {
      const path = join(INVALID_DIR, file);
      const text = readFileSync(path, 'utf8');
      expect(text.startsWith('# expect: '), 'first line must be # expect: ...').toBe(true);
      const expected = text
        .split('\n')
        .filter((line) => line.startsWith('# expect: '))
        .map((line) => line.slice('# expect: '.length).trim());
      const result = await loadJobFiles([path]);
      expect(result.jobs).toEqual([]);
      const reported = result.problems.map(formatJobProblem);
      for (const substring of expected) {
        expect(
          reported.some((line) => line.includes(substring)),
          `expected a problem containing\n  ${substring}\ngot\n  ${reported.join('\n  ')}`,
        ).toBe(true);
      }
    });
  }

  it('three-mistakes.yaml reports all three at once', async () => {
    const result = await loadJobFiles([join(INVALID_DIR, 'three-mistakes.yaml')]);
    expect(result.problems.map((p) => p.path)).toEqual([
      'source.startFrom',
      'nodes[0].where',
      'nodes[2].window.grace',
    ]);
  });
});
