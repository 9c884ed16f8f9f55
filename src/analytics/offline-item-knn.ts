// The offline item-kNN baseline of `sluice evaluate`, computed in SQL by its own in-memory DuckDB
// instance: consecutive-view pairs in sessions → co-occurrence counts → cosine → each user's
// top-k neighbours of their last viewed item. Nothing here touches the Sluice DuckDB file.

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SluiceError, errorMessage } from '../core/errors.js';
import { lockedDownConfig } from './duckdb-database.js';

/** One `user-activity` event as the baseline reads it (only views count). */
export interface KnnActivityEvent {
  readonly userId: string;
  readonly itemId: string;
  readonly sessionId: string;
  /** `view`, `add_to_cart` or `purchase`. */
  readonly type: string;
}

/**
 * Item-kNN from consecutive views in sessions, the classic offline baseline (the same model as
 * the scoring stage's `OfflineItemKnn`, computed by DuckDB). Views are taken in the order of
 * `training` (stream order — event times may be out of order, and the streaming job sees the
 * stream). c(a, b) counts how often b was viewed right after a, or a after b, by one user in one
 * session (a ≠ b); similarity is cosine, c(a, b) / √(views(a) · views(b)). Each user of `userIds`
 * is recommended the `k` items most similar to the last item they viewed (best first, ties in id
 * order); users with no view, or whose last item has no pair, get `[]`.
 *
 * @returns user id → up to `k` item ids, for every user of `userIds`.
 */
export async function offlineItemKnn(
  training: readonly KnnActivityEvent[],
  userIds: readonly string[],
  k: number,
): Promise<Map<string, string[]>> {
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new SluiceError('CONFIG_INVALID', `item-kNN needs k >= 1, got ${k}`);
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(':memory:', lockedDownConfig({ threads: 2 }));
  } catch (err) {
    throw new SluiceError('INTERNAL', `cannot open DuckDB in memory: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await load(connection, training, userIds);
    const reader = await connection.runAndReadAll(knnSql(k));
    const result = new Map<string, string[]>(userIds.map((u) => [u, []]));
    // Both columns are VARCHAR: each row is [user_id, item_id].
    for (const [user, item] of reader.getRowsJS() as Array<[string, string]>) {
      result.get(user)?.push(item);
    }
    return result;
  } finally {
    connection?.closeSync();
    instance.closeSync();
  }
}

async function load(
  connection: DuckDBConnection,
  training: readonly KnnActivityEvent[],
  userIds: readonly string[],
): Promise<void> {
  await connection.run(
    'CREATE TABLE views (seq BIGINT, user_id VARCHAR, session_id VARCHAR, item_id VARCHAR)',
  );
  await connection.run('CREATE TABLE wanted (user_id VARCHAR)');
  const views = await connection.createAppender('views');
  try {
    let seq = 0n;
    for (const e of training) {
      seq++;
      if (e.type !== 'view') continue;
      views.appendBigInt(seq);
      views.appendVarchar(e.userId);
      views.appendVarchar(e.sessionId);
      views.appendVarchar(e.itemId);
      views.endRow();
    }
    views.flushSync();
  } finally {
    views.closeSync();
  }
  const wanted = await connection.createAppender('wanted');
  try {
    for (const u of new Set(userIds)) {
      wanted.appendVarchar(u);
      wanted.endRow();
    }
    wanted.flushSync();
  } finally {
    wanted.closeSync();
  }
}

/** Rows (user_id, item_id) ordered by user and rank; `k` is a checked integer. */
function knnSql(k: number): string {
  return `
    WITH ordered AS (
      SELECT user_id, session_id, item_id,
             lag(item_id) OVER w AS prev_item,
             lag(session_id) OVER w AS prev_session
      FROM views
      WINDOW w AS (PARTITION BY user_id ORDER BY seq)
    ),
    pairs AS (
      SELECT prev_item AS a, item_id AS b FROM ordered
      WHERE prev_session = session_id AND prev_item <> item_id
    ),
    co AS (
      SELECT a, b, count(*) AS c
      FROM (SELECT a, b FROM pairs UNION ALL SELECT b AS a, a AS b FROM pairs)
      GROUP BY a, b
    ),
    item_views AS (SELECT item_id, count(*) AS n FROM views GROUP BY item_id),
    similarity AS (
      SELECT co.a, co.b, co.c / sqrt(va.n * vb.n) AS score
      FROM co
      JOIN item_views va ON va.item_id = co.a
      JOIN item_views vb ON vb.item_id = co.b
    ),
    last_view AS (
      SELECT v.user_id, arg_max(v.item_id, v.seq) AS item_id
      FROM views v JOIN wanted w ON w.user_id = v.user_id
      GROUP BY v.user_id
    ),
    ranked AS (
      SELECT l.user_id, s.b AS item_id,
             row_number() OVER (PARTITION BY l.user_id ORDER BY s.score DESC, s.b ASC) AS rank
      FROM last_view l JOIN similarity s ON s.a = l.item_id
    )
    SELECT user_id, item_id FROM ranked WHERE rank <= ${k} ORDER BY user_id, rank`;
}
