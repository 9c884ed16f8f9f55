// Reads dashboard files (dashboards/*.yaml) into DashboardSpecs, checking every field against
// the metric registry's names and labels; each problem is reported as file:line:col: path.
// The dashboard routes load them once at start and refuse to start on any problem.

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { METRICS, type MetricDefinition, type MetricKey } from '../../metrics/metric-names.js';
import type { DashboardProblem } from './dashboard-problem.js';
import {
  CHART_TYPES,
  type ChartType,
  type DashboardSpec,
  type MetricPanelSpec,
  type MetricShow,
  type PanelSpec,
  type SqlPanelSpec,
} from './dashboard-spec.js';
import { sqlTables } from './sql-tables.js';

/** Dashboards push data at least once a second and at most ten times. */
export const REFRESH_BOUNDS_MS = { min: 100, max: 1_000 } as const;
const WINDOW_BOUNDS_MS = { min: 10_000, max: 3_600_000 } as const;
const PANEL_REFRESH_MAX_MS = 3_600_000;
const DEFAULT_SQL_REFRESH_MS = 5_000;
const DEFAULT_OVER_MS = 5_000;
const MAX_PANELS = 30;
const MAX_LIMIT = 200;
const DEFAULT_LIMIT: Readonly<Record<ChartType, number>> = {
  line: 8,
  bar: 10,
  table: 20,
  number: 1,
};

const DASHBOARD_KEYS = ['name', 'title', 'description', 'refresh', 'window', 'panels'];
const COMMON_PANEL_KEYS = ['title', 'chart', 'unit', 'width', 'limit', 'refresh'];
const METRIC_PANEL_KEYS = ['metric', 'show', 'quantiles', 'by', 'where', 'over'];
const SQL_PANEL_KEYS = ['sql'];

const DASHBOARD_FILE = /\.ya?ml$/i;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface DashboardLoadResult {
  /** Dashboards whose files have no problem, sorted by name. */
  readonly dashboards: DashboardSpec[];
  readonly problems: DashboardProblem[];
}

/** Every metric by its Prometheus name (what dashboard files write). */
const METRIC_BY_NAME: ReadonlyMap<string, MetricKey> = new Map(
  (Object.keys(METRICS) as MetricKey[]).map((key) => [METRICS[key].name, key]),
);

/**
 * Loads every *.yaml / *.yml file of `dir` (not sub-directories). A missing directory is no
 * dashboards and no problem; a file with any problem contributes no dashboard.
 */
export async function loadDashboards(dir: string): Promise<DashboardLoadResult> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => DASHBOARD_FILE.test(f)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { dashboards: [], problems: [] };
    throw err;
  }
  const dashboards: DashboardSpec[] = [];
  const problems: DashboardProblem[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const result = parseDashboardText(await readFile(file, 'utf8'), file);
    problems.push(...result.problems);
    if (result.spec !== undefined) dashboards.push(result.spec);
  }
  dashboards.sort((a, b) => a.name.localeCompare(b.name));
  for (let i = 1; i < dashboards.length; i++) {
    const [a, b] = [dashboards[i - 1] as DashboardSpec, dashboards[i] as DashboardSpec];
    if (a.name === b.name) {
      const message = `dashboard "${b.name}" is also defined in ${a.file}`;
      problems.push({ file: b.file, line: 0, column: 0, path: 'name', message });
      dashboards.splice(i, 1);
      i -= 1;
    }
  }
  return { dashboards, problems };
}

/** Parses and validates one dashboard file's text; `spec` is set only when there is no problem. */
export function parseDashboardText(
  text: string,
  file: string,
): { spec?: DashboardSpec; problems: DashboardProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const reader = new FileReader(file, lineCounter);
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      reader.problemAt(err.pos[0], '', `YAML syntax error: ${err.message.split('\n')[0] ?? ''}`);
    }
    return { problems: reader.problems };
  }
  const root = doc.contents;
  if (!isMap(root)) {
    reader.problem(root, '', 'a dashboard file is a mapping with name, title and panels');
    return { problems: reader.problems };
  }
  const spec = reader.dashboard(root, basename(file).replace(DASHBOARD_FILE, ''));
  return reader.problems.length === 0 && spec !== undefined
    ? { spec, problems: [] }
    : { problems: reader.problems };
}

/** Reads one file's YAML tree, collecting problems with positions. */
class FileReader {
  readonly problems: DashboardProblem[] = [];

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  problemAt(offset: number, path: string, message: string): void {
    const pos = this.lines.linePos(offset);
    this.problems.push({ file: this.file, line: pos.line, column: pos.col, path, message });
  }

  problem(node: Node | null | undefined, path: string, message: string): void {
    this.problemAt(node?.range?.[0] ?? 0, path, message);
  }

  dashboard(root: YAMLMap, fileName: string): DashboardSpec | undefined {
    const fields = this.fields(root, '', DASHBOARD_KEYS);
    const name = this.string(fields, 'name', '', { required: true });
    if (name !== undefined && !NAME.test(name)) {
      this.problem(fields.get('name'), 'name', 'use lower-case letters, digits and dashes');
    } else if (name !== undefined && name !== fileName) {
      this.problem(
        fields.get('name'),
        'name',
        `"${name}" must match the file name (${fileName}), so /dashboards/<name> finds its file`,
      );
    }
    const title = this.string(fields, 'title', '', { required: true });
    const description = this.string(fields, 'description', '') ?? '';
    const refreshMs =
      this.duration(fields, 'refresh', '', REFRESH_BOUNDS_MS.min, REFRESH_BOUNDS_MS.max) ?? 1_000;
    const windowMs =
      this.duration(fields, 'window', '', WINDOW_BOUNDS_MS.min, WINDOW_BOUNDS_MS.max) ?? 300_000;
    const panelsNode = fields.get('panels');
    const panels: PanelSpec[] = [];
    if (panelsNode === undefined) {
      this.problem(root, 'panels', 'missing: a dashboard needs at least one panel');
    } else if (!isSeq(panelsNode) || panelsNode.items.length === 0) {
      this.problem(panelsNode, 'panels', 'expected a non-empty list of panels');
    } else if (panelsNode.items.length > MAX_PANELS) {
      this.problem(panelsNode, 'panels', `at most ${MAX_PANELS} panels per dashboard`);
    } else {
      panelsNode.items.forEach((item, index) => {
        const path = `panels[${index}]`;
        if (!isMap(item)) {
          this.problem(item as Node, path, 'expected a panel (a mapping with title, chart, …)');
          return;
        }
        const panel = this.panel(item, path, index, refreshMs, windowMs);
        if (panel !== undefined) panels.push(panel);
      });
    }
    if (name === undefined || title === undefined) return undefined;
    return { name, title, description, refreshMs, windowMs, panels, file: this.file };
  }

  private panel(
    node: YAMLMap,
    path: string,
    index: number,
    dashboardRefreshMs: number,
    windowMs: number,
  ): PanelSpec | undefined {
    const fields = this.fields(node, path, [
      ...COMMON_PANEL_KEYS,
      ...METRIC_PANEL_KEYS,
      ...SQL_PANEL_KEYS,
    ]);
    const before = this.problems.length;
    const title = this.string(fields, 'title', path, { required: true });
    const chart = this.choice(fields, 'chart', path, CHART_TYPES, { required: true });
    const hasMetric = fields.has('metric');
    const hasSql = fields.has('sql');
    if (hasMetric === hasSql) {
      this.problem(
        node,
        path,
        hasMetric
          ? 'a panel has either metric or sql, not both'
          : 'a panel needs a source: metric (a sluice_* metric name) or sql (a query)',
      );
    }
    const width = this.integer(fields, 'width', path, 1, 3) ?? 1;
    const limit = this.integer(fields, 'limit', path, 1, MAX_LIMIT);
    const refreshMs = this.duration(
      fields,
      'refresh',
      path,
      dashboardRefreshMs,
      PANEL_REFRESH_MAX_MS,
      'the dashboard refresh',
    );
    const unit = this.string(fields, 'unit', path);
    const base = {
      id: `p${index}`,
      title: title ?? '',
      chart: chart ?? 'line',
      width,
      limit: limit ?? DEFAULT_LIMIT[chart ?? 'line'],
      line: this.lines.linePos(node.range?.[0] ?? 0).line,
    };

    if (hasSql && !hasMetric) {
      for (const key of METRIC_PANEL_KEYS) {
        if (fields.has(key))
          this.problem(fields.get(key), `${path}.${key}`, 'only for metric panels');
      }
      const sql = this.sql(fields, path);
      if (this.problems.length > before || sql === undefined || chart === undefined)
        return undefined;
      const spec: SqlPanelSpec = {
        ...base,
        source: 'sql',
        unit: unit ?? '',
        refreshMs: refreshMs ?? Math.max(DEFAULT_SQL_REFRESH_MS, dashboardRefreshMs),
        sql,
        tables: sqlTables(sql),
      };
      return spec;
    }
    if (!hasMetric) return undefined;

    const metricName = this.string(fields, 'metric', path, { required: true });
    const metric = metricName === undefined ? undefined : METRIC_BY_NAME.get(metricName);
    if (metricName !== undefined && metric === undefined) {
      const hint = closest(metricName, [...METRIC_BY_NAME.keys()]);
      this.problem(
        fields.get('metric'),
        `${path}.metric`,
        `unknown metric "${metricName}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; ` +
          'dashboards use the names in src/metrics/metric-names.ts',
      );
    }
    if (metric === undefined) return undefined;
    const def: MetricDefinition = METRICS[metric];
    const show = this.choice(fields, 'show', path, ['value', 'rate'] as const);
    const quantiles = this.quantiles(fields, path, def);
    const by = this.labels(fields, 'by', path, def) ?? [];
    const where = this.where(fields, path, def);
    const overMs = this.duration(fields, 'over', path, dashboardRefreshMs, windowMs, 'the refresh');

    if (def.type === 'histogram' && quantiles.length === 0 && show !== 'rate') {
      this.problem(
        fields.get('metric'),
        `${path}.metric`,
        `${def.name} is a histogram: give quantiles (e.g. [0.5, 0.99]) or show: rate`,
      );
    }
    if (quantiles.length > 0 && show !== undefined) {
      this.problem(fields.get('show'), `${path}.show`, 'a quantile panel has no show');
    }
    if (def.type === 'gauge' && show === 'rate') {
      this.problem(fields.get('show'), `${path}.show`, `${def.name} is a gauge: show its value`);
    }
    if (chart === 'number') {
      if (by.length > 0) {
        this.problem(fields.get('by'), `${path}.by`, 'a number panel shows one total: remove by');
      }
      if (quantiles.length > 1) {
        this.problem(fields.get('quantiles'), `${path}.quantiles`, 'a number shows one quantile');
      }
    }
    if (this.problems.length > before || chart === undefined) return undefined;
    const effectiveShow: MetricShow = show ?? 'value';
    const spec: MetricPanelSpec = {
      ...base,
      source: 'metric',
      unit: unit ?? defaultUnit(def, effectiveShow, quantiles.length > 0),
      refreshMs: refreshMs ?? dashboardRefreshMs,
      metric,
      show: effectiveShow,
      quantiles,
      by,
      where,
      overMs: overMs ?? Math.max(DEFAULT_OVER_MS, dashboardRefreshMs),
    };
    return spec;
  }

  /** The pairs of a mapping by key; unknown keys are problems (with the closest known key). */
  private fields(map: YAMLMap, path: string, known: readonly string[]): Fields {
    const out = new Fields(map);
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      if (!known.includes(key)) {
        const hint = closest(key, known);
        this.problem(
          keyNode,
          join2(path, key),
          `unknown field${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; known: ${known.join(', ')}`,
        );
        continue;
      }
      out.values.set(key, (pair.value as Node | null) ?? (keyNode as Node));
    }
    return out;
  }

  private string(
    fields: Fields,
    key: string,
    path: string,
    options: { required?: boolean } = {},
  ): string | undefined {
    const node = fields.get(key);
    if (node === undefined) {
      if (options.required === true) this.problem(fields.owner, join2(path, key), 'missing');
      return undefined;
    }
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      this.problem(node, join2(path, key), 'expected a non-empty string');
      return undefined;
    }
    return node.value;
  }

  private choice<T extends string>(
    fields: Fields,
    key: string,
    path: string,
    choices: readonly T[],
    options: { required?: boolean } = {},
  ): T | undefined {
    const node = fields.get(key);
    if (node === undefined) {
      if (options.required === true) {
        this.problem(fields.owner, join2(path, key), `missing: one of ${choices.join(', ')}`);
      }
      return undefined;
    }
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.problem(node, join2(path, key), `expected one of ${choices.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  private integer(
    fields: Fields,
    key: string,
    path: string,
    min: number,
    max: number,
  ): number | undefined {
    const node = fields.get(key);
    if (node === undefined) return undefined;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(node, join2(path, key), `expected an integer from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  /** "500ms", "1s", "5m", "1h" or a number of ms, within [minMs, maxMs]. */
  private duration(
    fields: Fields,
    key: string,
    path: string,
    minMs: number,
    maxMs: number,
    minName?: string,
  ): number | undefined {
    const node = fields.get(key);
    if (node === undefined) return undefined;
    const ms = isScalar(node) ? parseDurationMs(node.value) : undefined;
    if (ms === undefined) {
      this.problem(node, join2(path, key), 'expected a duration such as "500ms", "1s", "5m", "1h"');
      return undefined;
    }
    if (ms < minMs || ms > maxMs) {
      const low = minName === undefined ? formatMs(minMs) : `${minName} (${formatMs(minMs)})`;
      this.problem(node, join2(path, key), `must be from ${low} to ${formatMs(maxMs)}`);
      return undefined;
    }
    return ms;
  }

  private sql(fields: Fields, path: string): string | undefined {
    const sql = this.string(fields, 'sql', path, { required: true });
    if (sql === undefined) return undefined;
    const text = sql.trim().replace(/;\s*$/, '');
    if (!/^(select|with|from)\b/i.test(text.replace(/^(\s*--[^\n]*\n)*/, '').trimStart())) {
      this.problem(
        fields.get('sql'),
        `${path}.sql`,
        'a panel query starts with SELECT, WITH or FROM',
      );
      return undefined;
    }
    return text;
  }

  private quantiles(fields: Fields, path: string, def: MetricDefinition): number[] {
    const node = fields.get('quantiles');
    if (node === undefined) return [];
    const at = `${path}.quantiles`;
    if (def.type !== 'histogram') {
      this.problem(node, at, `${def.name} is a ${def.type}: quantiles are for histograms`);
      return [];
    }
    const items = isSeq(node) ? node.items : [node];
    const out: number[] = [];
    for (const item of items) {
      const value = isScalar(item) ? item.value : undefined;
      if (typeof value !== 'number' || !(value > 0 && value < 1)) {
        this.problem(item as Node, at, 'expected numbers between 0 and 1 (exclusive), e.g. 0.99');
        return [];
      }
      out.push(value);
    }
    if (out.length === 0) this.problem(node, at, 'expected at least one quantile');
    return out;
  }

  /** A label name or a list of them, each one of the metric's labels. */
  private labels(
    fields: Fields,
    key: string,
    path: string,
    def: MetricDefinition,
  ): string[] | undefined {
    const node = fields.get(key);
    if (node === undefined) return undefined;
    const items = isSeq(node) ? node.items : [node];
    const out: string[] = [];
    for (const item of items) {
      const value = isScalar(item) ? item.value : undefined;
      if (typeof value !== 'string') {
        this.problem(item as Node, join2(path, key), 'expected a label name or a list of them');
        return undefined;
      }
      if (!def.labels.includes(value)) {
        this.problem(
          item as Node,
          join2(path, key),
          `${def.name} has no label "${value}" (labels: ${def.labels.join(', ') || 'none'})`,
        );
        return undefined;
      }
      out.push(value);
    }
    return out;
  }

  private where(fields: Fields, path: string, def: MetricDefinition): Record<string, string> {
    const node = fields.get('where');
    if (node === undefined) return {};
    const at = `${path}.where`;
    if (!isMap(node)) {
      this.problem(node, at, 'expected label: value pairs, e.g. { job: "*fraud*" }');
      return {};
    }
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const label = isScalar(keyNode) ? String(keyNode.value) : '';
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (!def.labels.includes(label)) {
        this.problem(
          keyNode,
          `${at}.${label}`,
          `${def.name} has no label "${label}" (labels: ${def.labels.join(', ') || 'none'})`,
        );
      } else if (typeof value !== 'string' && typeof value !== 'number') {
        this.problem(
          pair.value as Node,
          `${at}.${label}`,
          'expected a string (may hold * wildcards)',
        );
      } else {
        out[label] = String(value);
      }
    }
    return out;
  }
}

/** The fields of one mapping by key, and the mapping (where a missing field is reported). */
class Fields {
  readonly values = new Map<string, Node>();
  constructor(readonly owner: Node) {}
  get(key: string): Node | undefined {
    return this.values.get(key);
  }
  has(key: string): boolean {
    return this.values.has(key);
  }
}

/** Milliseconds of "500ms", "2s", "1.5m", "1h" or a plain number (already ms). */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (match === null) return undefined;
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unitMs);
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

function defaultUnit(def: MetricDefinition, show: MetricShow, quantiles: boolean): string {
  if (show === 'rate') return '/s';
  if (quantiles && def.name.endsWith('_seconds')) return 's';
  if (def.name.endsWith('_bytes')) return 'bytes';
  return '';
}

function join2(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
