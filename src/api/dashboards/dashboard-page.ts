// The HTML of a dashboard page and of the dashboard list: a grid of panel cards sized to fit
// three rows on a laptop screen, the panel definitions as JSON for the page script, and the
// uPlot and page scripts served by the dashboard routes (no CDN: the page works offline).

import { METRICS } from '../../metrics/metric-names.js';
import type { DashboardSpec, PanelSpec } from './dashboard-spec.js';

/** Where the routes serve the page's static files. */
export const ASSET_PATHS = {
  uplotJs: '/dashboards/_assets/uplot.js',
  uplotCss: '/dashboards/_assets/uplot.css',
  clientJs: '/dashboards/_assets/dashboard.js',
} as const;

/** What the page script knows of a panel. */
interface PanelConfig {
  readonly id: string;
  readonly title: string;
  readonly chart: PanelSpec['chart'];
  readonly unit: string;
  readonly source: PanelSpec['source'];
  /** Table columns before the value columns (the `by` labels of a metric panel). */
  readonly labelColumns: number;
  /** Shown on a line chart that has no series yet. */
  readonly waiting: string;
}

/** The page of one dashboard. */
export function renderDashboardPage(spec: DashboardSpec): string {
  const config = {
    name: spec.name,
    streamUrl: `/dashboards/${encodeURIComponent(spec.name)}/stream`,
    windowMs: spec.windowMs,
    refreshMs: spec.refreshMs,
    panels: spec.panels.map(panelConfig),
  };
  const cards = spec.panels
    .map(
      (
        panel,
      ) => `<section class="panel w${panel.width}" data-panel="${panel.id}" data-chart="${panel.chart}" data-kind="waiting">
  <div class="panel-head"><h2 title="${escapeHtml(describeSource(panel))}">${escapeHtml(panel.title)}</h2>${
    panel.unit === '' ? '' : `<span class="unit">${escapeHtml(unitLabel(panel.unit))}</span>`
  }</div>
  <div class="legend"></div>
  <div class="panel-body"><div class="message empty">Waiting for data…</div></div>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(spec.title)} · Sluice</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.uplotCss}">
<style>${PAGE_STYLE}</style>
</head>
<body data-dashboard="${escapeHtml(spec.name)}" data-frames="0">
<header>
  <a class="home" href="/dashboards">Sluice</a><span class="sep">/</span>
  <h1>${escapeHtml(spec.title)}</h1>
  <p class="description">${escapeHtml(spec.description)}</p>
  <span id="status" class="status">connecting…</span>
</header>
<main class="grid">
${cards}
</main>
<script id="dashboard-config" type="application/json">${scriptJson(config)}</script>
<script src="${ASSET_PATHS.uplotJs}"></script>
<script src="${ASSET_PATHS.clientJs}"></script>
</body>
</html>
`;
}

/** The list of dashboards, linking each page. */
export function renderDashboardIndex(specs: readonly DashboardSpec[]): string {
  const items = specs
    .map(
      (s) => `<li><a href="/dashboards/${encodeURIComponent(s.name)}">${escapeHtml(s.title)}</a>
  <span class="meta">${s.panels.length} panels · ${escapeHtml(s.name)}</span>
  <p>${escapeHtml(s.description)}</p></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboards · Sluice</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><a class="home" href="/dashboards">Sluice</a><span class="sep">/</span><h1>Dashboards</h1></header>
<main class="index">
${specs.length === 0 ? '<p>No dashboards: add YAML files to dashboards/.</p>' : `<ul>\n${items}\n</ul>`}
</main>
</body>
</html>
`;
}

function panelConfig(panel: PanelSpec): PanelConfig {
  return {
    id: panel.id,
    title: panel.title,
    chart: panel.chart,
    unit: panel.unit,
    source: panel.source,
    labelColumns: panel.source === 'metric' ? panel.by.length : 0,
    waiting: `No data yet: ${describeSource(panel)}`,
  };
}

/** The panel's source in one line, e.g. `rate of sluice_records_in_total{job=*fraud*} by job`. */
function describeSource(panel: PanelSpec): string {
  if (panel.source === 'sql') return `SQL over ${panel.tables.join(', ') || 'no table'}`;
  const where = Object.entries(panel.where).map(([k, v]) => `${k}=${v}`);
  const name = `${METRICS[panel.metric].name}${where.length === 0 ? '' : `{${where.join(',')}}`}`;
  const what =
    panel.quantiles.length > 0
      ? `${panel.quantiles.map((q) => `p${q * 100}`).join('/')} of ${name}`
      : panel.show === 'rate'
        ? `rate of ${name}`
        : name;
  return panel.by.length === 0 ? what : `${what} by ${panel.by.join(', ')}`;
}

function unitLabel(unit: string): string {
  return unit === '/s' ? 'per second' : unit === '%' ? 'percent' : unit;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

// Three rows of cards fill the screen height under the header (1366×768 and 1920×1080), and
// columns are at least 400 px wide: three on a laptop, four on a full-HD screen.
const PAGE_STYLE = `
*{box-sizing:border-box}
html,body{margin:0;background:#f3f4f6;color:#111827;font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{display:flex;align-items:baseline;gap:8px;height:44px;padding:0 16px;background:#111827;color:#f9fafb;white-space:nowrap;overflow:hidden}
header h1{font-size:16px;font-weight:600;margin:0;line-height:44px}
header .home{color:#93c5fd;text-decoration:none;font-weight:600}
header .sep{color:#6b7280}
header .description{flex:1;margin:0 0 0 8px;color:#9ca3af;overflow:hidden;text-overflow:ellipsis}
.status{font-size:12px;color:#fbbf24}
.status.live{color:#34d399}
.status.live::before{content:"● "}
.status.down{color:#f87171}
.grid{display:grid;gap:10px;padding:10px 12px 12px;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));grid-auto-rows:clamp(200px,calc((100vh - 44px - 42px) / 3),420px)}
.panel{display:flex;flex-direction:column;min-width:0;min-height:0;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px 10px 6px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.panel.w2{grid-column:span 2}
.panel.w3{grid-column:span 3}
.panel-head{display:flex;align-items:baseline;gap:8px;min-height:18px}
.panel-head h2{flex:1;margin:0;font-size:13px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.panel-head .unit{color:#6b7280;font-size:11px;white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:2px 10px;max-height:32px;overflow:hidden;margin:2px 0 2px;font-size:11px;line-height:15px;color:#374151}
.legend:empty{display:none}
.chip{display:inline-flex;align-items:center;gap:4px;max-width:100%;white-space:nowrap}
.chip i{display:inline-block;width:8px;height:8px;border-radius:2px}
.chip.more{color:#6b7280;cursor:help}
.chip b{font-weight:600;font-variant-numeric:tabular-nums}
.panel-body{position:relative;flex:1;min-height:0;overflow:hidden}
.message{display:flex;align-items:center;justify-content:center;height:100%;padding:8px 16px;text-align:center;color:#6b7280;font-size:12px}
.message.error{color:#b91c1c}
.message.overlay{position:absolute;inset:0 0 30px 58px;height:auto;pointer-events:none}
.number{display:flex;align-items:center;justify-content:center;height:100%}
.number-value{font-size:clamp(28px,6vh,56px);font-weight:600;font-variant-numeric:tabular-nums;color:#111827}
.table-wrap{height:100%;overflow:auto}
table{width:100%;border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}
th{position:sticky;top:0;background:#f9fafb;text-align:left;font-weight:600;color:#374151;padding:3px 6px;border-bottom:1px solid #e5e7eb}
td{padding:2px 6px;border-bottom:1px solid #f3f4f6;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:220px}
td.num{text-align:right;max-width:none;overflow:visible}
.index{max-width:900px;padding:16px 20px}
.index ul{list-style:none;padding:0}
.index li{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 14px;margin-bottom:10px}
.index li a{font-size:15px;font-weight:600;color:#1d4ed8;text-decoration:none}
.index .meta{margin-left:8px;color:#6b7280;font-size:12px}
.index p{margin:4px 0 0;color:#374151}
.uplot{font-family:system-ui,sans-serif}
`;
