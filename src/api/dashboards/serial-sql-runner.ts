// Dashboard queries one at a time: every SQL panel of every open dashboard shares one queue, so
// pages never compete with each other (or with POST /sql) for the database's few query slots.

import type { SqlResult, SqlRunner } from './dashboard-spec.js';

/**
 * A runner that starts each query only after the previous one settled, in call order. A failed
 * query rejects its own caller only; the queue goes on.
 */
export function serialSqlRunner(run: SqlRunner): SqlRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return (sql: string): Promise<SqlResult> => {
    const result = tail.then(() => run(sql));
    tail = result.catch(() => undefined);
    return result;
  };
}
