// Fraud rules: named boolean expressions over a payment's fields and features, each with a
// weight and a reason. Validated and compiled once (job load or rules-file reload); scoring a
// payment evaluates each rule and combines the weights of those that fire into [0, 1].

import { createHash } from 'node:crypto';
import { SluiceError } from '../../core/errors.js';
import type { JsonObject } from '../../core/record.js';
import { compileExpression, type CompiledExpression } from '../../expr/expression-compiler.js';
import { ExpressionError } from '../../expr/expression-error.js';

/** A rule as written in a job or rules file. */
export interface FraudRule {
  /** [a-z0-9][a-z0-9-]*, unique within a rule set. */
  readonly name: string;
  /** Boolean expression over the payment's contract fields and the fraud features. */
  readonly when: string;
  /** In (0, 1]: how much firing this rule alone says "fraud". */
  readonly weight: number;
  /** Human-readable reason reported in alerts when the rule fires. */
  readonly reason: string;
}

/** What a payment's score is made of. */
export interface FraudRuleScore {
  /** 1 − Π(1 − weight) over the rules that fired: 0 when none fired, in [0, 1]. */
  readonly score: number;
  /** Reasons of the rules that fired, in rule order. */
  readonly reasons: string[];
  /** Names of the rules that fired, in rule order. */
  readonly fired: string[];
  /** Rules that failed to evaluate on this payment (they do not fire). */
  readonly failed: string[];
}

const RULE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const RULE_KEYS = new Set(['name', 'when', 'weight', 'reason']);

interface CompiledRule {
  readonly rule: FraudRule;
  readonly expression: CompiledExpression;
  /** ln(1 − weight), so the score is 1 − exp(Σ) (weight 1 gives −Infinity, i.e. score 1). */
  readonly logMiss: number;
}

/** A validated, compiled list of rules. Immutable; shared by every task of a node. */
export class FraudRuleSet {
  /** Short hash of the rules' text: changes whenever a rule does. */
  readonly version: string;
  /** Every name the rules read (so the scorer computes only the features they need). */
  readonly fields: ReadonlySet<string>;

  private constructor(
    private readonly compiled: readonly CompiledRule[],
    readonly rules: readonly FraudRule[],
  ) {
    this.version = createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 12);
    this.fields = new Set(compiled.flatMap((c) => c.expression.fields));
  }

  /**
   * Validates `value` (parsed YAML or JSON: a list of rules) and compiles it. `knownNames` are
   * the names a rule may read (contract fields and features): any other name is a problem, so a
   * typo is refused at load instead of failing every payment. Throws a SluiceError
   * (JOB_INVALID, or JOB_EXPR_INVALID when only expressions are wrong) listing every problem.
   */
  static compile(value: unknown, knownNames: ReadonlySet<string>): FraudRuleSet {
    const problems: string[] = [];
    let exprOnly = true;
    const problem = (message: string, expr = false): void => {
      problems.push(message);
      if (!expr) exprOnly = false;
    };
    if (!Array.isArray(value)) {
      throw new SluiceError(
        'JOB_INVALID',
        'fraud rules must be a list of {name, when, weight, reason}',
      );
    }
    const compiled: CompiledRule[] = [];
    const rules: FraudRule[] = [];
    const seen = new Set<string>();
    value.forEach((raw: unknown, i) => {
      const at = `rules[${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        problem(`${at}: must be an object {name, when, weight, reason}`);
        return;
      }
      const r = raw as Record<string, unknown>;
      const { name, when, weight, reason } = r;
      const label = typeof name === 'string' ? `${at} (${name})` : at;
      for (const key of Object.keys(r)) {
        if (!RULE_KEYS.has(key)) {
          problem(`${label}: unknown key "${key}" (rules have name, when, weight, reason)`);
        }
      }
      if (typeof name !== 'string' || !RULE_NAME.test(name)) {
        problem(`${at}.name: must be a string of a-z, 0-9 and "-"`);
      } else if (seen.has(name)) {
        problem(`${label}.name: duplicate rule name`);
      } else {
        seen.add(name);
      }
      if (typeof weight !== 'number' || !(weight > 0 && weight <= 1)) {
        problem(`${label}.weight: must be a number in (0, 1]`);
      }
      if (typeof reason !== 'string' || reason.trim() === '') {
        problem(`${label}.reason: must be a non-empty string`);
      }
      if (typeof when !== 'string') {
        problem(`${label}.when: must be an expression (a string)`);
        return;
      }
      let expression: CompiledExpression;
      try {
        expression = compileExpression(when);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        for (const p of err.problems)
          problem(`${label}.when: column ${p.column}: ${p.message}`, true);
        return;
      }
      const unknown = expression.fields.filter((f) => !knownNames.has(f));
      if (unknown.length > 0) {
        problem(
          `${label}.when: unknown name${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (not a transaction field or fraud feature)`,
          true,
        );
        return;
      }
      if (typeof name === 'string' && typeof weight === 'number' && typeof reason === 'string') {
        const rule = { name, when, weight, reason };
        rules.push(rule);
        compiled.push({ rule, expression, logMiss: Math.log1p(-Math.min(weight, 1)) });
      }
    });
    if (problems.length > 0) {
      throw new SluiceError(
        exprOnly ? 'JOB_EXPR_INVALID' : 'JOB_INVALID',
        `invalid fraud rules: ${problems.join('; ')}`,
      );
    }
    return new FraudRuleSet(compiled, rules);
  }

  /**
   * Scores one payment: `scope` holds its fields and features. A rule fires when its expression
   * is `true`; a rule that throws or returns a non-boolean does not fire and is listed in `failed`.
   */
  score(scope: JsonObject): FraudRuleScore {
    let logMiss = 0;
    const reasons: string[] = [];
    const fired: string[] = [];
    let failed: string[] | undefined;
    for (const c of this.compiled) {
      let result: unknown;
      try {
        result = c.expression.evaluate(scope);
      } catch {
        (failed ??= []).push(c.rule.name);
        continue;
      }
      if (result === true) {
        logMiss += c.logMiss;
        reasons.push(c.rule.reason);
        fired.push(c.rule.name);
      } else if (result !== false) {
        (failed ??= []).push(c.rule.name);
      }
    }
    const score = fired.length === 0 ? 0 : 1 - Math.exp(logMiss);
    return { score, reasons, fired, failed: failed ?? [] };
  }
}
