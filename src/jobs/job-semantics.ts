// The checks a JSON Schema cannot express: names, durations, window parameters by window type,
// aggregation arguments, unique node and store names, and that every expression compiles.
// Written defensively: it runs even on a job the schema rejected, so one pass reports all.

import { ExpressionError } from '../expr/expression-error.js';
import { compileExpression } from '../expr/expression-compiler.js';
import { forbiddenName } from '../expr/expression-checker.js';
import { parseDurationMs } from '../windows/duration.js';
import { WINDOW_RESULT_FIELDS } from '../windows/window-results.js';
import type { JobIssue, JobPath } from './job-issue.js';

/** Job, node and store names: they name consumer groups, topics and state directories. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
/** Kafka's own rule for topic names. */
export const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;
/** Field names a derive or an aggregation may create: readable by later expressions. */
export const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Obj = Record<string, unknown>;

/** Why `value` is not a duration ("500ms", "10s", "5m", "1h", "7d" or ms), else undefined. */
function durationProblem(value: unknown): string | undefined {
  // Other types are the schema's to report.
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  try {
    parseDurationMs(value);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every semantic problem of a parsed job (schema problems are checked separately). */
export function checkJobSemantics(value: unknown): JobIssue[] {
  const issues: JobIssue[] = [];
  if (!isObject(value)) return issues;
  const add = (path: JobPath, message: string, target?: JobIssue['target']): void => {
    issues.push(
      target === undefined
        ? { code: 'JOB_INVALID', path, message }
        : { code: 'JOB_INVALID', path, message, target },
    );
  };

  if (typeof value['name'] === 'string') checkName(['name'], value['name'], 'job name', add);
  checkSource(value['source'], add);
  if (typeof value['deadLetterTopic'] === 'string')
    checkTopic(['deadLetterTopic'], value['deadLetterTopic'], add);

  const nodes = value['nodes'];
  if (!Array.isArray(nodes)) return issues;
  if (nodes.length === 0) add(['nodes'], 'a job needs at least one node');
  const nodeNames = new Map<string, number>();
  const storeNames = new Map<string, number>();
  nodes.forEach((node: unknown, i) => {
    if (!isObject(node)) return;
    const path: JobPath = ['nodes', i];
    const name = node['name'];
    if (typeof name === 'string') {
      checkName([...path, 'name'], name, 'node name', add);
      const first = nodeNames.get(name);
      if (first !== undefined)
        add([...path, 'name'], `duplicate node name "${name}" (also nodes[${first}])`);
      else nodeNames.set(name, i);
    }
    switch (node['kind']) {
      case 'filter':
        checkExpression([...path, 'where'], node['where'], issues);
        break;
      case 'derive':
        checkDerive(path, node, issues, add);
        break;
      case 'key-by':
        checkExpression([...path, 'key'], node['key'], issues);
        checkPartitions([...path, 'partitions'], node['partitions'], add);
        if (i === nodes.length - 1) {
          add([...path, 'kind'], 'a key-by must be followed by the nodes that use the new key');
        }
        break;
      case 'window':
        checkWindowNode(path, node, issues, add);
        if (typeof name === 'string') {
          const store =
            isObject(node['store']) && typeof node['store']['name'] === 'string'
              ? node['store']['name']
              : name;
          const first = storeNames.get(store);
          if (first !== undefined)
            add([...path, 'store'], `duplicate store name "${store}" (also nodes[${first}])`);
          else storeNames.set(store, i);
        }
        break;
      case 'to-topic':
        if (typeof node['topic'] === 'string') checkTopic([...path, 'topic'], node['topic'], add);
        checkPartitions([...path, 'partitions'], node['partitions'], add);
        break;
      default:
        break;
    }
  });
  return issues;
}

type Add = (path: JobPath, message: string, target?: JobIssue['target']) => void;

function checkName(path: JobPath, name: string, what: string, add: Add): void {
  if (!NAME_PATTERN.test(name)) {
    add(
      path,
      `${what} "${name}" must use only a-z, 0-9 and "-" (and start with a letter or digit)`,
    );
  }
}

function checkTopic(path: JobPath, topic: string, add: Add): void {
  if (!TOPIC_PATTERN.test(topic) || topic === '.' || topic === '..') {
    add(path, `"${topic}" is not a valid Kafka topic name (1-249 of A-Z a-z 0-9 . _ -)`);
  }
}

function checkPartitions(path: JobPath, value: unknown, add: Add): void {
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 1)) {
    add(path, 'must be a whole number ≥ 1');
  }
}

function checkSource(source: unknown, add: Add): void {
  if (!isObject(source)) return;
  const topics = source['topics'];
  if (Array.isArray(topics)) {
    if (topics.length === 0) add(['source', 'topics'], 'list at least one topic');
    topics.forEach((topic: unknown, i) => {
      if (typeof topic === 'string') checkTopic(['source', 'topics', i], topic, add);
    });
  }
  const bytes = source['maxRecordBytes'];
  if (typeof bytes === 'number' && (!Number.isInteger(bytes) || bytes < 1)) {
    add(['source', 'maxRecordBytes'], 'must be a whole number of bytes ≥ 1');
  }
  const ts = source['timestampField'];
  if (typeof ts === 'string') {
    const forbidden = ts === '' ? 'must not be empty' : forbiddenName(ts);
    if (forbidden !== undefined) add(['source', 'timestampField'], forbidden);
  }
}

/** Compiles the expression at `path` (if it is a string) and reports its problems. */
function checkExpression(path: JobPath, source: unknown, issues: JobIssue[]): void {
  if (typeof source !== 'string') return;
  try {
    compileExpression(source);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    for (const problem of err.problems) {
      issues.push({
        code: 'JOB_EXPR_INVALID',
        path,
        message: problem.message,
        expressionOffset: problem.offset,
      });
    }
  }
}

function checkFieldName(path: JobPath, name: string, add: Add): void {
  const forbidden = forbiddenName(name);
  if (forbidden !== undefined) add(path, forbidden, 'key');
  else if (!FIELD_NAME_PATTERN.test(name)) {
    add(
      path,
      `field name "${name}" must be letters, digits and _ (not starting with a digit)`,
      'key',
    );
  }
}

function checkDerive(path: JobPath, node: Obj, issues: JobIssue[], add: Add): void {
  const fields = node['fields'];
  if (!isObject(fields)) return;
  const entries = Object.entries(fields);
  if (entries.length === 0) add([...path, 'fields'], 'derive at least one field');
  for (const [field, expression] of entries) {
    checkFieldName([...path, 'fields', field], field, add);
    checkExpression([...path, 'fields', field], expression, issues);
  }
}

const NEEDS: Record<string, { required: string[]; forbidden: string[] }> = {
  tumbling: { required: ['size'], forbidden: ['advance', 'gap'] },
  hopping: { required: ['size', 'advance'], forbidden: ['gap'] },
  sliding: { required: ['size'], forbidden: ['advance', 'gap'] },
  session: { required: ['gap'], forbidden: ['size', 'advance'] },
};

function checkWindowNode(path: JobPath, node: Obj, issues: JobIssue[], add: Add): void {
  const window = node['window'];
  const wpath: JobPath = [...path, 'window'];
  const ms: Record<string, number> = {};
  if (isObject(window)) {
    for (const key of ['size', 'advance', 'gap', 'grace']) {
      const value = window[key];
      if (value === undefined) continue;
      const problem = durationProblem(value);
      if (problem !== undefined) {
        add([...wpath, key], problem);
        continue;
      }
      if (typeof value !== 'number' && typeof value !== 'string') continue;
      ms[key] = parseDurationMs(value);
      if (key !== 'grace' && ms[key] === 0) add([...wpath, key], 'must be longer than 0');
    }
    const type = window['type'];
    const needs = typeof type === 'string' ? NEEDS[type] : undefined;
    if (needs !== undefined) {
      for (const key of needs.required) {
        if (window[key] === undefined)
          add([...wpath, key], `a ${String(type)} window needs "${key}"`, 'parent');
      }
      for (const key of needs.forbidden) {
        if (window[key] !== undefined)
          add([...wpath, key], `a ${String(type)} window has no "${key}"`, 'key');
      }
      const { size, advance } = ms;
      if (type === 'hopping' && size !== undefined && advance !== undefined && advance > size) {
        add([...wpath, 'advance'], `advance (${advance} ms) must not exceed size (${size} ms)`);
      }
    }
  }

  const aggregations = node['aggregations'];
  if (isObject(aggregations)) {
    const entries = Object.entries(aggregations);
    if (entries.length === 0) add([...path, 'aggregations'], 'define at least one aggregation');
    for (const [output, agg] of entries) {
      const apath: JobPath = [...path, 'aggregations', output];
      checkFieldName(apath, output, add);
      if ((WINDOW_RESULT_FIELDS as readonly string[]).includes(output)) {
        add(
          apath,
          `"${output}" is reserved: window results carry ${WINDOW_RESULT_FIELDS.join(', ')}`,
          'key',
        );
      }
      if (!isObject(agg)) continue;
      const fn = agg['fn'];
      if (typeof fn === 'string' && fn !== 'count' && agg['of'] === undefined) {
        add([...apath, 'of'], `${fn} needs "of": the field or expression to aggregate`, 'parent');
      }
      checkExpression([...apath, 'of'], agg['of'], issues);
      if (agg['k'] !== undefined && fn !== 'top-k')
        add([...apath, 'k'], '"k" is only for top-k', 'key');
      if (agg['limit'] !== undefined && fn !== 'distinct-count') {
        add([...apath, 'limit'], '"limit" is only for distinct-count', 'key');
      }
      for (const key of ['k', 'limit']) {
        const n = agg[key];
        if (typeof n === 'number' && (!Number.isInteger(n) || n < 1))
          add([...apath, key], 'must be a whole number ≥ 1');
      }
    }
  }

  const store = node['store'];
  if (isObject(store)) {
    if (typeof store['name'] === 'string')
      checkName([...path, 'store', 'name'], store['name'], 'store name', add);
    const retention = store['retention'];
    const problem = retention === undefined ? undefined : durationProblem(retention);
    if (problem !== undefined) add([...path, 'store', 'retention'], problem);
  }
}
