import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatJobSchema,
  generateJobSchema,
  JOB_SCHEMA_PATH,
} from '../../src/jobs/generate-job-schema.js';

describe('jobs/job.schema.json', () => {
  it('is what `npm run schema` generates from src/jobs/job-spec.ts', { timeout: 60_000 }, () => {
    const committed = readFileSync(JOB_SCHEMA_PATH, 'utf8');
    const generated = formatJobSchema(generateJobSchema());
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
    expect(committed).toBe(generated);
  });
});
