// Dashboard pages as HTML: text from dashboard files is escaped, the embedded panel config
// cannot end its <script> element early, and every panel gets a card of its width.
import { describe, expect, it } from 'vitest';
import { parseDashboardText } from '../../../src/api/dashboards/dashboard-loader.js';
import {
  renderDashboardIndex,
  renderDashboardPage,
} from '../../../src/api/dashboards/dashboard-page.js';

const { spec } = parseDashboardText(
  `name: x
title: "<script>alert(1)</script> & co"
description: 'Quotes " and </script><!--'
panels:
  - { title: "A <b>", metric: sluice_records_in_total, show: rate, by: job, chart: line, width: 2 }
  - { title: "</script>", sql: "SELECT '</script>' AS s FROM t", chart: table }
`,
  'dashboards/x.yaml',
);

describe('renderDashboardPage', () => {
  it('escapes file text and keeps the config inside its script element', () => {
    const html = renderDashboardPage(spec!);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>');
    expect(html).toContain('<h2 title="rate of sluice_records_in_total by job">A &lt;b&gt;</h2>');
    expect(html.match(/<\/script>/g)).toHaveLength(3); // config, uPlot, page script
    const config = /<script id="dashboard-config" type="application\/json">(.*?)<\/script>/s.exec(
      html,
    )![1]!;
    expect(JSON.parse(config)).toMatchObject({
      panels: [
        { id: 'p0', title: 'A <b>', chart: 'line', unit: '/s', labelColumns: 1 },
        { id: 'p1', title: '</script>', chart: 'table', source: 'sql' },
      ],
    });
    expect(html).toContain('class="panel w2" data-panel="p0"');
  });

  it('lists dashboards, or says how to add one', () => {
    expect(renderDashboardIndex([spec!])).toContain(
      '<a href="/dashboards/x">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</a>',
    );
    expect(renderDashboardIndex([])).toContain('No dashboards: add YAML files to dashboards/.');
  });
});
