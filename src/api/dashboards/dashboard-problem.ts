// A problem found in a dashboard file, at file:line:column and a path inside the file
// (`panels[2].metric`), and the error that carries every problem when dashboards cannot load.

import { SluiceError } from '../../core/errors.js';

export interface DashboardProblem {
  readonly file: string;
  /** 1-based; 0 when the problem has no position (e.g. a duplicate name across files). */
  readonly line: number;
  readonly column: number;
  /** Path inside the file, e.g. `panels[2].metric`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** `file:line:col: path: message`, leaving out what is unknown. */
export function formatDashboardProblem(problem: DashboardProblem): string {
  const where =
    problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** Thrown when dashboard files cannot be served; the message lists every problem, one a line. */
export class DashboardValidationError extends SluiceError {
  readonly problems: readonly DashboardProblem[];

  constructor(problems: readonly DashboardProblem[]) {
    const first = problems[0];
    super(
      'CONFIG_INVALID',
      `invalid dashboard files:\n${problems.map(formatDashboardProblem).join('\n')}`,
      {
        context:
          first === undefined
            ? {}
            : { file: first.file, line: first.line, column: first.column, field: first.path },
      },
    );
    this.name = 'DashboardValidationError';
    this.problems = problems;
  }
}
