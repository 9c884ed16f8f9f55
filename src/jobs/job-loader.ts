// Reads job files (YAML) into validated JobSpecs. Every problem — YAML syntax, schema, names,
// durations, expressions — is reported at once as file:line:col: path: message, using the
// YAML node ranges (an expression problem points at the column inside the expression).

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Scalar,
} from 'yaml';
import type { JobIssue } from './job-issue.js';
import { formatJobPath, type JobProblem } from './job-problem.js';
import type { JobSpec } from './job-spec.js';
import { validateJob } from './job-validator.js';

export interface LoadedJob {
  readonly file: string;
  readonly spec: JobSpec;
}

export interface JobLoadResult {
  /** Jobs whose files have no problem. */
  readonly jobs: LoadedJob[];
  /** Every problem of every file; a file with any problem contributes no job. */
  readonly problems: JobProblem[];
}

/** Files a directory contributes: its *.yaml and *.yml files (not sub-directories). */
const JOB_FILE = /\.ya?ml$/i;

/** Parses and validates one job file's text. `spec` is set only when there is no problem. */
export function parseJobText(
  text: string,
  file: string,
): { spec?: JobSpec; problems: JobProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    const problems: JobProblem[] = [];
    const lines = new Set<number>();
    for (const err of doc.errors) {
      const position = at(err.pos[0]);
      // One per line: YAML parsers report a stray ': ' several times over.
      if (lines.has(position.line)) continue;
      lines.add(position.line);
      problems.push({
        code: 'JOB_YAML_SYNTAX',
        file,
        ...position,
        path: '',
        message: `YAML syntax error: ${firstLine(err.message)}${syntaxHint(text, position.line)}`,
      });
    }
    return { problems };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problems: [{ code: 'JOB_YAML_SYNTAX', file, line: 1, column: 1, path: '', message }] };
  }
  if (value === null || value === undefined) {
    return {
      problems: [
        { code: 'JOB_INVALID', file, line: 1, column: 1, path: '', message: 'job file is empty' },
      ],
    };
  }
  const issues = validateJob(value);
  if (issues.length === 0) return { spec: value as JobSpec, problems: [] };
  const problems = issues.map((issue) => {
    const offset = issueOffset(doc, text, issue);
    return {
      code: issue.code,
      file,
      ...at(offset),
      path: formatJobPath(issue.path),
      message: issue.message,
    };
  });
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { problems };
}

/** Loads job files and directories of job files. Never throws for bad input: see `problems`. */
export async function loadJobFiles(paths: readonly string[]): Promise<JobLoadResult> {
  const jobs: LoadedJob[] = [];
  const problems: JobProblem[] = [];
  const notFound = (file: string, message: string): void => {
    problems.push({ code: 'JOB_NOT_FOUND', file, line: 0, column: 0, path: '', message });
  };
  for (const path of paths) {
    let files: string[];
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        files = (await readdir(path))
          .filter((f) => JOB_FILE.test(f))
          .sort()
          .map((f) => join(path, f));
        if (files.length === 0) notFound(path, 'no job files (*.yaml, *.yml) in this directory');
      } else {
        files = [path];
      }
    } catch {
      notFound(path, 'no such file or directory');
      continue;
    }
    for (const file of files) {
      const result = parseJobText(await readFile(file, 'utf8'), file);
      problems.push(...result.problems);
      if (result.spec !== undefined) jobs.push({ file, spec: result.spec });
    }
  }
  const byName = new Map<string, string>();
  for (const job of [...jobs]) {
    const other = byName.get(job.spec.name);
    if (other !== undefined) {
      problems.push({
        code: 'JOB_INVALID',
        file: job.file,
        line: 0,
        column: 0,
        path: 'name',
        message: `job "${job.spec.name}" is also defined in ${other}`,
      });
      jobs.splice(jobs.indexOf(job), 1);
    } else {
      byName.set(job.spec.name, job.file);
    }
  }
  return { jobs, problems };
}

/**
 * The job a user named on the command line: a file path if one exists, else the job with
 * that name among the files in `jobsDir`. Problems (including JOB_NOT_FOUND) as from loadJobFiles.
 */
export async function findJob(
  nameOrFile: string,
  jobsDir = 'jobs',
): Promise<{ job?: LoadedJob; problems: JobProblem[] }> {
  const isFile = await stat(nameOrFile).then(
    (info) => info.isFile(),
    () => false,
  );
  if (isFile) {
    const result = await loadJobFiles([nameOrFile]);
    const [job] = result.jobs;
    return job === undefined ? { problems: result.problems } : { job, problems: result.problems };
  }
  const result = await loadJobFiles([jobsDir]);
  const job = result.jobs.find((j) => j.spec.name === nameOrFile);
  if (job !== undefined) return { job, problems: [] };
  const fileOfJob = (p: JobProblem): boolean =>
    p.file.endsWith(`${nameOrFile}.yaml`) || p.file.endsWith(`${nameOrFile}.yml`);
  const own = result.problems.filter(fileOfJob);
  if (own.length > 0) return { problems: own };
  const known = result.jobs.map((j) => j.spec.name).join(', ');
  return {
    problems: [
      {
        code: 'JOB_NOT_FOUND',
        file: nameOrFile,
        line: 0,
        column: 0,
        path: '',
        message: `no job file or job named "${nameOrFile}" in ${jobsDir}${known === '' ? '' : ` (jobs: ${known})`}`,
      },
    ],
  };
}

/** The usual cause of a YAML error in a job file: an unquoted expression containing ': '. */
function syntaxHint(text: string, line: number): string {
  const source = text.split('\n')[line - 1] ?? '';
  const value = source.replace(/^\s*(-\s+)?[^:]*:\s/, '');
  return value !== source && /:\s/.test(value)
    ? " (hint: quote an expression that contains ': ', e.g. where: 'a ? b : c')"
    : '';
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

interface Found {
  /** The deepest node reached along the path. */
  node: Node | null;
  /** The key node of the last segment, if it was found in a map. */
  key: Node | null;
  /** True if every segment was found. */
  complete: boolean;
}

function findPath(doc: Document, path: readonly (string | number)[]): Found {
  let node: Node | null = doc.contents;
  let key: Node | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment),
      );
      if (pair === undefined) return { node, key: null, complete: false };
      key = (pair.key as Node | null) ?? null;
      node = (pair.value as Node | null) ?? key;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) return { node, key: null, complete: false };
      key = null;
      node = item;
    } else {
      return { node, key: null, complete: false };
    }
  }
  return { node, key, complete: true };
}

function issueOffset(doc: Document, text: string, issue: JobIssue): number {
  const target = issue.target ?? 'value';
  const path = target === 'parent' ? issue.path.slice(0, -1) : issue.path;
  const found = findPath(doc, path);
  if (target === 'key' && found.complete && found.key?.range) return found.key.range[0];
  const node = found.node;
  if (node === null || !node.range) return 0;
  if (issue.expressionOffset !== undefined && found.complete && isScalar(node)) {
    return expressionSourceOffset(text, node, issue.expressionOffset);
  }
  return node.range[0];
}

/**
 * Where character `offset` of a scalar's value is in the file. Plain and quoted scalars on
 * one line map directly; otherwise the value is aligned with the source (folded line breaks,
 * indentation and escapes are what differ).
 */
function expressionSourceOffset(text: string, node: Scalar, offset: number): number {
  const range = node.range;
  if (!range) return 0;
  const [start, valueEnd] = range;
  const value = String(node.value);
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  let src = start;
  if (block) {
    const newline = text.indexOf('\n', start);
    src = newline < 0 ? start : newline + 1;
  } else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    src = start + 1;
  }
  if (!block && text.startsWith(value, src)) return src + offset;
  for (let i = 0; i < value.length && src < valueEnd; i++) {
    const c = value.charAt(i);
    while (src < valueEnd && !matches(c, text.charAt(src))) src++;
    if (i === offset) return src;
    src++;
  }
  return Math.min(src, valueEnd);
}

function matches(valueChar: string, sourceChar: string): boolean {
  return valueChar === sourceChar || (/\s/.test(valueChar) && /\s/.test(sourceChar));
}
