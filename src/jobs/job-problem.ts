// A problem found in a job file, located at file:line:column and at a path inside the job
// (`nodes[0].where`), plus the one-line format `sluice validate` prints.

import { SluiceError, type ErrorCode } from '../core/errors.js';
import type { JobIssue } from './job-issue.js';

export interface JobProblem {
  readonly code: Extract<
    ErrorCode,
    'JOB_YAML_SYNTAX' | 'JOB_INVALID' | 'JOB_EXPR_INVALID' | 'JOB_NOT_FOUND'
  >;
  /** The job file (as given), or `<builder>` for a job built in code. */
  readonly file: string;
  /** 1-based; 0 when the problem has no position (a missing file, a builder job). */
  readonly line: number;
  readonly column: number;
  /** Path inside the job, e.g. `nodes[0].where`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** `file:line:col: path: message`, leaving out what is unknown. */
export function formatJobProblem(problem: JobProblem): string {
  const where =
    problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** Segments of a path inside a job (`['nodes', 0, 'where']`) as `nodes[0].where`. */
export function formatJobPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Thrown when a job cannot be used; carries every problem found. */
export class JobValidationError extends SluiceError {
  readonly problems: readonly JobProblem[];

  constructor(problems: readonly JobProblem[]) {
    const first = problems[0];
    super(
      first?.code ?? 'JOB_INVALID',
      problems.length === 0 ? 'invalid job' : problems.map(formatJobProblem).join('\n'),
      {
        context:
          first === undefined
            ? {}
            : { file: first.file, line: first.line, column: first.column, field: first.path },
      },
    );
    this.name = 'JobValidationError';
    this.problems = problems;
  }
}

/**
 * Problems of a job that has no file (built in code, or a spec handed to buildTopology):
 * no line and column; an expression problem names its column inside the expression.
 */
export function problemsWithoutPosition(
  issues: readonly JobIssue[],
  jobName: unknown,
): JobProblem[] {
  const file = `job ${typeof jobName === 'string' ? jobName : '?'}`;
  return issues.map((issue) => ({
    code: issue.code,
    file,
    line: 0,
    column: 0,
    path: formatJobPath(issue.path),
    message:
      issue.expressionOffset === undefined
        ? issue.message
        : `column ${issue.expressionOffset + 1}: ${issue.message}`,
  }));
}
