// Validates a parsed job against jobs/job.schema.json (generated from job-spec.ts) with ajv,
// collecting every error and rewording ajv's messages for people who write YAML.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JobIssue, JobPath } from './job-issue.js';

// Compiled on first use: reading and compiling the schema costs a few milliseconds.
let validator: ValidateFunction | undefined;
/** Node kinds the schema knows (the `kind` enum). */
let schemaKinds: readonly string[] = [];

function loadValidator(): ValidateFunction {
  if (validator !== undefined) return validator;
  // src/jobs and dist/jobs are both two levels below the package root.
  const url = new URL('../../jobs/job.schema.json', import.meta.url);
  const schema = JSON.parse(readFileSync(url, 'utf8')) as {
    definitions?: { NodeSpec?: { properties?: { kind?: { enum?: string[] } } } };
  };
  schemaKinds = schema.definitions?.NodeSpec?.properties?.kind?.enum ?? [];
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  validator = ajv.compile(schema);
  return validator;
}

/** The node kinds the committed schema allows. */
export function jobSchemaKinds(): readonly string[] {
  loadValidator();
  return schemaKinds;
}

/** Every schema violation in `value`, each with its path inside the job. */
export function checkJobSchema(value: unknown): JobIssue[] {
  const validate = loadValidator();
  if (validate(value)) return [];
  const badKindNodes = nodesWithBadKind(value);
  const issues: JobIssue[] = [];
  for (const error of validate.errors ?? []) {
    const path = pointerToPath(error.instancePath);
    // A node without a valid kind would otherwise be checked against every kind's fields.
    if (path[0] === 'nodes' && typeof path[1] === 'number' && badKindNodes.has(path[1])) {
      const aboutKind =
        (path.length === 2 && error.keyword === 'required' && missingProperty(error) === 'kind') ||
        (path.length === 3 && path[2] === 'kind');
      if (!aboutKind) continue;
    }
    const issue = toIssue(error, path);
    if (issue !== undefined) issues.push(issue);
  }
  return dedupe(issues);
}

function nodesWithBadKind(value: unknown): Set<number> {
  const bad = new Set<number>();
  const nodes = (value as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return bad;
  nodes.forEach((node, i) => {
    const kind = (node as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !schemaKinds.includes(kind)) bad.add(i);
  });
  return bad;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^\d+$/.test(segment) ? Number(segment) : segment;
    });
}

function missingProperty(error: ErrorObject): string {
  const params = error.params as { missingProperty?: unknown };
  return typeof params.missingProperty === 'string' ? params.missingProperty : '?';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'null',
};

function toIssue(error: ErrorObject, path: JobPath): JobIssue | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'required':
      return {
        code: 'JOB_INVALID',
        path: [...path, missingProperty(error)],
        message: 'required field is missing',
        target: 'parent',
      };
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const properties = (
        error.parentSchema as { properties?: Record<string, unknown> } | undefined
      )?.properties;
      const allowed =
        properties === undefined ? '' : ` (allowed: ${Object.keys(properties).join(', ')})`;
      return {
        code: 'JOB_INVALID',
        path: [...path, field],
        message: `unknown field${allowed}`,
        target: 'key',
      };
    }
    case 'type': {
      const types = String(params['type'])
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t);
      return { code: 'JOB_INVALID', path, message: `must be ${types.join(' or ')}` };
    }
    case 'enum': {
      const values = (params['allowedValues'] as unknown[] | undefined) ?? [];
      return {
        code: 'JOB_INVALID',
        path,
        message: `must be one of: ${values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(error.data)})`,
      };
    }
    case 'const':
      return {
        code: 'JOB_INVALID',
        path,
        message: `must be ${JSON.stringify(params['allowedValue'])} (got ${JSON.stringify(error.data)})`,
      };
    default:
      return { code: 'JOB_INVALID', path, message: error.message ?? `fails ${error.keyword}` };
  }
}

function dedupe(issues: JobIssue[]): JobIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${JSON.stringify(issue.path)}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
