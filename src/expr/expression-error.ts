// Errors of the expression compiler (a job-file problem, with its position inside the
// expression) and of evaluation (a record problem that becomes a dead letter).

import { SluiceError } from '../core/errors.js';

/** One reason an expression was refused. */
export interface ExpressionProblem {
  /** 0-based offset of the offending text in the expression source. */
  readonly offset: number;
  /** 1-based line and column of that offset inside the expression (line 1 unless it spans lines). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** An expression that does not parse or uses something not allowed. Lists every problem found. */
export class ExpressionError extends SluiceError {
  readonly source: string;
  readonly problems: readonly ExpressionProblem[];

  constructor(source: string, problems: readonly ExpressionProblem[]) {
    const first = problems[0];
    const summary = problems.map((p) => `${p.column}: ${p.message}`).join('; ');
    super('JOB_EXPR_INVALID', `invalid expression \`${source}\`: ${summary}`, {
      context: first === undefined ? {} : { line: first.line, column: first.column },
    });
    this.name = 'ExpressionError';
    this.source = source;
    this.problems = problems;
  }
}

/** 1-based line and column of a 0-based offset in `source`. */
export function positionInSource(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** The record lacks a field the expression reads (`path` is `a` or `a.b`). */
export function fieldMissingError(path: string): SluiceError {
  return new SluiceError('FIELD_MISSING', `field "${path}" is missing`, {
    context: { field: path },
  });
}
