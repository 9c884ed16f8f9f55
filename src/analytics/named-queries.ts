// Queries shipped with Sluice over the tables the shipped jobs write (to-duckdb nodes), run by
// name through the same read-only runner as `POST /sql` (dashboards, `GET /sql/queries/:name`).

import type { NamedQuery } from '../core/sql-query.js';

/**
 * Named queries. They read `activity_minutely` (jobs/activity-metrics.yaml) and `fraud_alerts`
 * (the fraud job's `to-duckdb` node); a query over a table no job has written yet answers with
 * DuckDB's "table does not exist" error. Window times are epoch ms (`startMs`), shown with
 * `epoch_ms()`; windows are `[startMs, endMs)`.
 */
export const NAMED_QUERIES: readonly NamedQuery[] = [
  {
    name: 'tables',
    description: 'Tables and views in the DuckDB file, with their estimated row counts',
    sql: `SELECT table_name AS name, 'table' AS kind, estimated_size AS rows, column_count AS columns
FROM duckdb_tables()
UNION ALL
SELECT view_name, 'view', NULL, column_count FROM duckdb_views() WHERE NOT internal
ORDER BY name`,
  },
  {
    name: 'activity-per-minute',
    description:
      'Shop KPIs per category and minute over the last hour of event time (newest version of each window)',
    sql: `SELECT key AS category, epoch_ms(startMs) AS minute, events, views, carts, purchases,
  revenue, buyers
FROM activity_minutely_latest
WHERE startMs >= (SELECT max(startMs) FROM activity_minutely) - 3600000
ORDER BY startMs DESC, category`,
  },
  {
    name: 'revenue-per-minute',
    description: 'Revenue and purchases per minute across categories, last hour of event time',
    sql: `SELECT epoch_ms(startMs) AS minute, sum(revenue) AS revenue, sum(purchases) AS purchases,
  sum(events) AS events
FROM activity_minutely_latest
WHERE startMs >= (SELECT max(startMs) FROM activity_minutely) - 3600000
GROUP BY startMs
ORDER BY startMs`,
  },
  {
    name: 'fraud-alerts-per-minute',
    description: 'Fraud alerts per minute of transaction time, last hour (each txn counted once)',
    sql: `SELECT time_bucket(INTERVAL 1 minute, epoch_ms(ts::BIGINT)) AS minute,
  count(DISTINCT txn_id) AS alerts
FROM fraud_alerts
WHERE ts >= (SELECT max(ts) FROM fraud_alerts) - 3600000
GROUP BY minute
ORDER BY minute`,
  },
  {
    name: 'fraud-top-accounts',
    description: 'Accounts with the most fraud alerts in the last hour, with their highest score',
    sql: `SELECT account_id, count(DISTINCT txn_id) AS alerts, max(score) AS max_score,
  epoch_ms(max(ts)::BIGINT) AS last_alert
FROM fraud_alerts
WHERE ts >= (SELECT max(ts) FROM fraud_alerts) - 3600000
GROUP BY account_id
ORDER BY alerts DESC, max_score DESC
LIMIT 20`,
  },
];
