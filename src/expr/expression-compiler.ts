// Compiles a job-file expression once, when the job loads: parse with the locked-down mathjs,
// check the tree against the allow-list, then translate it into closures (mathjs compiled if a
// construct has no translation). Operators call `evaluate` per record.

import { SluiceError } from '../core/errors.js';
import type { JsonObject, JsonValue } from '../core/record.js';
import { checkExpressionTree } from './expression-checker.js';
import { ExpressionError, positionInSource, type ExpressionProblem } from './expression-error.js';
import { expressionMath, type CompiledMathjs } from './expression-math.js';
import { toJsonResult } from './json-result.js';
import {
  buildNativeEvaluator,
  UntranslatableError,
  type NativeEvaluator,
} from './native-evaluator.js';
import { RecordScope } from './record-scope.js';

/** Which evaluator runs the expression. */
export type ExpressionEngine = 'native' | 'mathjs';

export interface CompileOptions {
  /** Default `auto`: native closures, or mathjs compiled for what they do not cover. */
  readonly engine?: 'auto' | ExpressionEngine;
}

/** An expression ready to evaluate against records. Immutable; safe to share between tasks. */
export interface CompiledExpression {
  readonly source: string;
  /** Top-level record fields it reads, sorted. */
  readonly fields: readonly string[];
  readonly engine: ExpressionEngine;
  /**
   * Evaluates against one record's fields. Returns plain JSON (finite numbers, strings,
   * booleans, null, arrays, objects). Throws a SluiceError: FIELD_MISSING (context.field) when
   * a field it reads is absent, EXPR_EVAL for anything else (wrong types, non-finite result).
   */
  evaluate(fields: JsonObject): JsonValue;
}

/**
 * Parses, checks and compiles `source`. Throws an ExpressionError (code JOB_EXPR_INVALID)
 * listing every problem with its 1-based column inside the expression.
 */
export function compileExpression(
  source: string,
  options: CompileOptions = {},
): CompiledExpression {
  // mathjs reads a line break as a statement separator; in a YAML block it is only layout.
  // Same length, so offsets still point into the original text.
  const text = source.replace(/[\r\n\t]/g, ' ');
  if (text.trim() === '') {
    throw new ExpressionError(source, [
      { offset: 0, line: 1, column: 1, message: 'expression is empty' },
    ]);
  }
  let root;
  try {
    root = expressionMath.parse(text);
  } catch (err) {
    throw new ExpressionError(source, [syntaxProblem(source, err)]);
  }
  const checked = checkExpressionTree(root, source);
  if (checked.problems.length > 0) throw new ExpressionError(source, checked.problems);
  const fields = [...checked.fields].sort();

  if (options.engine !== 'mathjs') {
    let native: NativeEvaluator | undefined;
    try {
      native = buildNativeEvaluator(root);
    } catch (err) {
      if (!(err instanceof UntranslatableError) || options.engine === 'native') throw err;
    }
    if (native !== undefined) return new NativeExpression(source, fields, native);
  }
  return new MathjsExpression(source, fields, root.compile(), new Set(checked.fields));
}

function syntaxProblem(source: string, err: unknown): ExpressionProblem {
  const raw = err instanceof Error ? err.message : String(err);
  const char = (err as { char?: unknown }).char;
  // mathjs reports a 1-based character position, also at the end of its message.
  const offset = typeof char === 'number' ? Math.max(0, char - 1) : 0;
  const message = raw.replace(/\s*\(char \d+\)\s*$/, '');
  const { line, column } = positionInSource(source, offset);
  return { offset, line, column, message: `syntax error: ${message}` };
}

function evaluationError(source: string, err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SluiceError('EXPR_EVAL', `expression \`${source}\` failed: ${message}`, {
    cause: err,
  });
}

class NativeExpression implements CompiledExpression {
  readonly engine = 'native';

  constructor(
    readonly source: string,
    readonly fields: readonly string[],
    private readonly run: NativeEvaluator,
  ) {}

  evaluate(fields: JsonObject): JsonValue {
    let value: unknown;
    try {
      value = this.run(fields);
    } catch (err) {
      throw evaluationError(this.source, err);
    }
    // Fast exit for the common results; everything else is checked and copied.
    if (typeof value === 'boolean' || typeof value === 'string' || value === null) return value;
    return toJsonResult(value, this.source);
  }
}

class MathjsExpression implements CompiledExpression {
  readonly engine = 'mathjs';

  constructor(
    readonly source: string,
    readonly fields: readonly string[],
    private readonly compiled: CompiledMathjs,
    private readonly names: ReadonlySet<string>,
  ) {}

  evaluate(fields: JsonObject): JsonValue {
    let value: unknown;
    try {
      value = this.compiled.evaluate(new RecordScope(fields, this.names));
    } catch (err) {
      throw evaluationError(this.source, err);
    }
    return toJsonResult(value, this.source);
  }
}
