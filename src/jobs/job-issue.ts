// A problem found in a job before it is tied to a file position: a path inside the job and a
// message. The loader turns issues into JobProblems (file:line:col); the builder reports them
// as they are.

export type JobPath = readonly (string | number)[];

export interface JobIssue {
  readonly code: 'JOB_INVALID' | 'JOB_EXPR_INVALID';
  /** Path of the offending value, e.g. `['nodes', 0, 'where']`. */
  readonly path: JobPath;
  readonly message: string;
  /**
   * What to point at: the value at `path` (default), its key (an unknown field), or the
   * object holding it (a missing field).
   */
  readonly target?: 'value' | 'key' | 'parent';
  /** For expression problems: 0-based offset inside the expression string at `path`. */
  readonly expressionOffset?: number;
}
