// The gate every expression passes before it is compiled: walks the mathjs parse tree and
// refuses anything outside the supported subset — unknown or disabled functions, assignments,
// function definitions, access to JavaScript internals (`constructor`, `__proto__`, ...) —
// with the column of the offending text, so a job file can point at it.

import { DISABLED_FUNCTIONS, OPERATOR_FUNCTIONS } from './expression-math.js';
import {
  EXPRESSION_FUNCTIONS,
  lookupExpressionConstant,
  lookupExpressionFunction,
} from './expression-functions.js';
import type { ExpressionProblem } from './expression-error.js';
import { positionInSource } from './expression-error.js';
import { childNodes, type ExpressionNode } from './expression-tree.js';
import { SourceLocator } from './source-locator.js';

/** What the checker learned about an accepted (or refused) expression. */
export interface CheckResult {
  /** Top-level record fields the expression reads (not `pi`, `e` or function names). */
  readonly fields: ReadonlySet<string>;
  /** Empty when the expression is accepted. */
  readonly problems: readonly ExpressionProblem[];
}

/** mathjs operator functions an expression may use: arithmetic, comparison, logic, `??`. */
const ALLOWED_OPERATORS: ReadonlySet<string> = new Set(OPERATOR_FUNCTIONS);

const COMPARISONS: ReadonlySet<string> = new Set([
  'equal',
  'unequal',
  'smaller',
  'smallerEq',
  'larger',
  'largerEq',
]);

const DISABLED: ReadonlySet<string> = new Set(DISABLED_FUNCTIONS);

/**
 * Why `name` may not be read as a field or property, or undefined if it may. Names on
 * Object.prototype (constructor, __proto__, toString, ...), `prototype` and `__*` are the
 * doors of the known mathjs sandbox escapes; `end` is reserved by mathjs.
 */
export function forbiddenName(name: string): string | undefined {
  if (name.startsWith('__') || name in Object.prototype || name === 'prototype') {
    return `"${name}" is not allowed: it reaches JavaScript internals`;
  }
  if (name === 'end') return '"end" is reserved in mathjs expressions';
  return undefined;
}

/** Checks a parsed expression. `source` is the text it was parsed from (for columns). */
export function checkExpressionTree(root: ExpressionNode, source: string): CheckResult {
  return new ExpressionChecker(root, source).run();
}

class ExpressionChecker {
  private readonly offsets = new Map<ExpressionNode, number>();
  private readonly problems: ExpressionProblem[] = [];
  private readonly fields = new Set<string>();
  private readonly called = new Map<string, ExpressionNode>();

  constructor(
    private readonly root: ExpressionNode,
    private readonly source: string,
  ) {}

  run(): CheckResult {
    const locator = new SourceLocator(this.source);
    if (locator.commentOffset >= 0) {
      this.addAt(locator.commentOffset, 'comments (#) are not allowed in expressions');
    }
    this.locate(this.root, locator, false);
    this.check(this.root);
    for (const [name, node] of this.called) {
      if (this.fields.has(name)) {
        this.add(node, `"${name}" is used both as a function and as a field`);
      }
    }
    const seen = new Set<string>();
    const problems = [...this.problems]
      .sort((a, b) => a.offset - b.offset)
      .filter((p) => {
        const key = `${p.offset}:${p.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    return { fields: this.fields, problems };
  }

  /** Gives each name-bearing node its offset, in source order (mathjs trees have none). */
  private locate(node: ExpressionNode, locator: SourceLocator, dotProperty: boolean): void {
    if (node.type === 'SymbolNode') {
      this.offsets.set(node, locator.nextIdentifier(node.name));
    } else if (node.type === 'ConstantNode' && typeof node.value === 'string') {
      this.offsets.set(
        node,
        dotProperty ? locator.nextIdentifier(node.value) : locator.nextString(),
      );
    } else if (node.type === 'ConstantNode' && typeof node.value === 'number') {
      this.offsets.set(node, locator.nextNumber());
    } else if (node.type === 'ArrayNode' || (node.type === 'IndexNode' && !node.dotNotation)) {
      this.offsets.set(node, locator.nextBracket('['));
    } else if (node.type === 'ObjectNode') {
      this.offsets.set(node, locator.nextBracket('{'));
    } else if (node.type === 'FunctionAssignmentNode') {
      this.offsets.set(node, locator.nextIdentifier(node.name));
      for (const param of node.params) locator.nextIdentifier(param);
    }
    const dotIndex = node.type === 'IndexNode' && node.dotNotation;
    for (const child of childNodes(node)) this.locate(child, locator, dotIndex);
  }

  /** Offset of a node: its own, else the first of its descendants. */
  private offsetOf(node: ExpressionNode): number {
    const own = this.offsets.get(node);
    if (own !== undefined) return own;
    let first: number | undefined;
    for (const child of childNodes(node)) {
      const offset = this.offsetOf(child);
      if (first === undefined || offset < first) first = offset;
    }
    return first ?? 0;
  }

  private add(node: ExpressionNode, message: string): void {
    this.addAt(this.offsetOf(node), message);
  }

  private addAt(offset: number, message: string): void {
    const { line, column } = positionInSource(this.source, offset);
    this.problems.push({ offset, line, column, message });
  }

  private check(node: ExpressionNode): void {
    switch (node.type) {
      case 'ConstantNode':
        this.checkConstant(node);
        return;
      case 'SymbolNode':
        this.checkField(node, node.name);
        return;
      case 'ParenthesisNode':
        this.check(node.content);
        return;
      case 'ConditionalNode':
        this.check(node.condition);
        this.check(node.trueExpr);
        this.check(node.falseExpr);
        return;
      case 'RelationalNode':
        for (const fn of node.conditionals) {
          if (!COMPARISONS.has(fn)) this.add(node, `comparison "${fn}" is not supported`);
        }
        node.params.forEach((p) => this.check(p));
        return;
      case 'OperatorNode':
        this.checkOperator(node);
        return;
      case 'FunctionNode':
        this.checkCall(node);
        return;
      case 'AccessorNode':
        this.checkAccessor(node);
        return;
      case 'ArrayNode':
        node.items.forEach((item) => this.check(item));
        return;
      case 'AssignmentNode':
        this.add(node, 'assignment (=) is not allowed; compare with ==');
        return;
      case 'FunctionAssignmentNode':
        this.add(node, `defining functions (${node.name}(...) = ...) is not allowed`);
        return;
      case 'BlockNode':
        this.add(node, 'only one expression is allowed (no ; between statements)');
        node.blocks.forEach((b) => this.check(b.node));
        return;
      case 'ObjectNode':
        this.add(node, 'object literals ({...}) are not supported');
        return;
      case 'RangeNode':
        this.add(node, 'ranges (a:b) are not supported');
        return;
      case 'IndexNode':
        this.add(node, 'indexing is not supported');
        return;
      default: {
        const type = (node as { type?: unknown }).type;
        this.addAt(0, `unsupported syntax (${String(type)})`);
      }
    }
  }

  private checkConstant(node: Extract<ExpressionNode, { type: 'ConstantNode' }>): void {
    const value = node.value;
    if (value === undefined) {
      this.add(node, '"undefined" is not supported; use null');
    } else if (value !== null && !['number', 'string', 'boolean'].includes(typeof value)) {
      this.add(node, 'unsupported constant');
    }
  }

  private checkField(node: ExpressionNode, name: string): void {
    const forbidden = forbiddenName(name);
    if (forbidden !== undefined) {
      this.add(node, forbidden);
      return;
    }
    if (lookupExpressionConstant(name) === undefined) this.fields.add(name);
  }

  private checkOperator(node: Extract<ExpressionNode, { type: 'OperatorNode' }>): void {
    if (node.implicit) {
      this.addAt(
        this.offsetOf(node.args[1] ?? node),
        'implicit multiplication is not allowed; write *',
      );
    } else if (node.isPercentage === true) {
      this.add(node, 'percent literals (50%) are not supported; divide by 100');
    } else if (!ALLOWED_OPERATORS.has(node.fn)) {
      this.addAt(this.operatorOffset(node), `operator "${node.op}" is not supported`);
    }
    node.args.forEach((arg) => this.check(arg));
  }

  /** Where the operator's own text is: after its left operand, or before a unary operand. */
  private operatorOffset(node: Extract<ExpressionNode, { type: 'OperatorNode' }>): number {
    const [first] = node.args;
    if (first === undefined || node.op === '') return this.offsetOf(node);
    const start = this.offsetOf(first);
    const found =
      node.args.length === 1
        ? this.source.lastIndexOf(node.op, start)
        : this.source.indexOf(node.op, start);
    return found < 0 ? start : found;
  }

  private checkCall(node: Extract<ExpressionNode, { type: 'FunctionNode' }>): void {
    if (node.fn.type !== 'SymbolNode') {
      this.add(node, 'only named functions can be called, e.g. abs(x)');
      this.check(node.fn);
      node.args.forEach((arg) => this.check(arg));
      return;
    }
    const name = node.fn.name;
    const spec = lookupExpressionFunction(name);
    if (spec === undefined) {
      const why = DISABLED.has(name)
        ? `function "${name}" is not allowed: it could change mathjs or run other code`
        : (forbiddenName(name) ??
          `unknown function "${name}" (allowed: ${Object.keys(EXPRESSION_FUNCTIONS).join(', ')})`);
      this.add(node.fn, why);
    } else {
      this.called.set(name, node.fn);
      const count = node.args.length;
      if (count < spec.minArgs || count > spec.maxArgs) {
        const expected =
          spec.minArgs === spec.maxArgs
            ? `${spec.minArgs}`
            : spec.maxArgs === Infinity
              ? `at least ${spec.minArgs}`
              : `${spec.minArgs} to ${spec.maxArgs}`;
        this.add(node.fn, `${name}() takes ${expected} argument(s), got ${count}`);
      }
      if (name === 'has') {
        const [arg] = node.args;
        if (arg !== undefined && arg.type !== 'SymbolNode' && arg.type !== 'AccessorNode') {
          this.add(arg, 'has() takes a field name, e.g. has(price) or has(payment.card)');
        }
      }
    }
    if (node.optional === true) this.add(node.fn, 'optional calls (?.()) are not supported');
    node.args.forEach((arg) => this.check(arg));
  }

  private checkAccessor(node: Extract<ExpressionNode, { type: 'AccessorNode' }>): void {
    if (node.optionalChaining === true) {
      this.add(node, 'optional chaining (?.) is not supported; use coalesce(a.b, default)');
    }
    const { object, index } = node;
    if (object.type !== 'SymbolNode' && object.type !== 'AccessorNode') {
      this.add(object, 'only record fields have properties (write field.name)');
    }
    this.check(object);
    const dim =
      index.type === 'IndexNode' && index.dimensions.length === 1 ? index.dimensions[0] : undefined;
    if (dim === undefined) {
      this.add(index, 'only one property at a time: field.name or field["name"]');
    } else if (dim.type !== 'ConstantNode' || typeof dim.value !== 'string') {
      this.add(
        dim,
        dim.type === 'ConstantNode' && typeof dim.value === 'number'
          ? 'array indexing is not supported'
          : 'computed property names are not allowed; write field.name or field["name"]',
      );
      this.check(dim);
    } else {
      const forbidden = forbiddenName(dim.value);
      if (forbidden !== undefined) this.add(dim, forbidden);
    }
  }
}
