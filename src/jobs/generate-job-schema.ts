// Generates jobs/job.schema.json from the types in job-spec.ts (`npm run schema`). The loader
// validates job files against that file; a test regenerates it and fails if it is stale.

import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

/** Where the committed schema lives (repository root / jobs). */
export const JOB_SCHEMA_PATH = fileURLToPath(
  new URL('../../jobs/job.schema.json', import.meta.url),
);

/** The JSON Schema of a job file, generated from the JobSpec type (takes a few seconds). */
export function generateJobSchema(): Record<string, unknown> {
  const generator = createGenerator({
    path: fileURLToPath(new URL('./job-spec.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
    type: 'JobSpec',
    skipTypeCheck: true,
    additionalProperties: false,
  });
  const schema = generator.createSchema('JobSpec') as Record<string, unknown>;
  return { ...schema, title: 'Sluice job file' };
}

/** The schema as written to disk: 2-space JSON with a final newline. */
export function formatJobSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(JOB_SCHEMA_PATH, formatJobSchema(generateJobSchema()));
  console.log(`wrote ${JOB_SCHEMA_PATH}`);
}
