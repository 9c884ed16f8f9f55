// The shape of a mathjs parse tree, narrowed to the fields Sluice reads. The checker walks it
// to refuse what is not allowed; the native evaluator turns the allowed subset into closures.

/** A node of a mathjs parse tree (see mathjs docs, "Expression trees"). */
export type ExpressionNode =
  | ConstantNode
  | SymbolNode
  | OperatorNode
  | ParenthesisNode
  | ConditionalNode
  | RelationalNode
  | FunctionNode
  | AccessorNode
  | IndexNode
  | ArrayNode
  | ObjectNode
  | RangeNode
  | AssignmentNode
  | FunctionAssignmentNode
  | BlockNode;

export interface ConstantNode {
  readonly type: 'ConstantNode';
  readonly value: unknown;
}

export interface SymbolNode {
  readonly type: 'SymbolNode';
  readonly name: string;
}

export interface OperatorNode {
  readonly type: 'OperatorNode';
  readonly op: string;
  /** Name of the mathjs function the operator calls, e.g. `larger` for `>`. */
  readonly fn: string;
  readonly args: readonly ExpressionNode[];
  readonly implicit: boolean;
  readonly isPercentage?: boolean;
}

export interface ParenthesisNode {
  readonly type: 'ParenthesisNode';
  readonly content: ExpressionNode;
}

export interface ConditionalNode {
  readonly type: 'ConditionalNode';
  readonly condition: ExpressionNode;
  readonly trueExpr: ExpressionNode;
  readonly falseExpr: ExpressionNode;
}

/** A chained comparison such as `1 < x <= 10`. */
export interface RelationalNode {
  readonly type: 'RelationalNode';
  readonly conditionals: readonly string[];
  readonly params: readonly ExpressionNode[];
}

export interface FunctionNode {
  readonly type: 'FunctionNode';
  readonly fn: ExpressionNode;
  readonly args: readonly ExpressionNode[];
  readonly optional?: boolean;
}

export interface AccessorNode {
  readonly type: 'AccessorNode';
  readonly object: ExpressionNode;
  readonly index: ExpressionNode;
  readonly optionalChaining?: boolean;
}

export interface IndexNode {
  readonly type: 'IndexNode';
  readonly dimensions: readonly ExpressionNode[];
  readonly dotNotation: boolean;
}

export interface ArrayNode {
  readonly type: 'ArrayNode';
  readonly items: readonly ExpressionNode[];
}

export interface ObjectNode {
  readonly type: 'ObjectNode';
  readonly properties: Readonly<Record<string, ExpressionNode>>;
}

export interface RangeNode {
  readonly type: 'RangeNode';
  readonly start: ExpressionNode;
  readonly end: ExpressionNode;
  readonly step?: ExpressionNode | null;
}

export interface AssignmentNode {
  readonly type: 'AssignmentNode';
  readonly object: ExpressionNode;
  readonly index: ExpressionNode | null;
  readonly value: ExpressionNode;
}

export interface FunctionAssignmentNode {
  readonly type: 'FunctionAssignmentNode';
  readonly name: string;
  readonly params: readonly string[];
  readonly expr: ExpressionNode;
}

export interface BlockNode {
  readonly type: 'BlockNode';
  readonly blocks: ReadonlyArray<{ readonly node: ExpressionNode }>;
}

/** Children in source order (what mathjs' own `forEach` visits). */
export function childNodes(node: ExpressionNode): readonly ExpressionNode[] {
  switch (node.type) {
    case 'OperatorNode':
      return node.args;
    case 'FunctionNode':
      return [node.fn, ...node.args];
    case 'ParenthesisNode':
      return [node.content];
    case 'ConditionalNode':
      return [node.condition, node.trueExpr, node.falseExpr];
    case 'RelationalNode':
      return node.params;
    case 'AccessorNode':
      return [node.object, node.index];
    case 'IndexNode':
      return node.dimensions;
    case 'ArrayNode':
      return node.items;
    case 'ObjectNode':
      return Object.values(node.properties);
    case 'AssignmentNode':
      return node.index === null
        ? [node.object, node.value]
        : [node.object, node.index, node.value];
    case 'RangeNode':
      return node.step ? [node.start, node.step, node.end] : [node.start, node.end];
    case 'FunctionAssignmentNode':
      return [node.expr];
    case 'BlockNode':
      return node.blocks.map((b) => b.node);
    default:
      return [];
  }
}
