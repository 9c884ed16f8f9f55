// One validation for every way a job arrives (YAML file or builder): the generated JSON
// Schema, then the semantic checks, all problems at once.

import type { JobIssue } from './job-issue.js';
import { checkJobSchema } from './job-schema.js';
import { checkJobSemantics } from './job-semantics.js';

/** Every problem in a parsed job; empty means it is a valid JobSpec. */
export function validateJob(value: unknown): JobIssue[] {
  const issues = [...checkJobSchema(value), ...checkJobSemantics(value)];
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${JSON.stringify(issue.path)}|${issue.message}|${issue.expressionOffset ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
