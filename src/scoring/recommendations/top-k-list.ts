// A bounded list of the k highest-scoring ids, kept sorted: per-task trending lists, and the
// merge of several tasks' lists when the API answers.

/** `[id, score]`, highest score first; ties in id order. */
export type ScoredId = [id: string, score: number];

function before(a: ScoredId, b: ScoredId): boolean {
  return a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
}

/**
 * Sets `id`'s score in `list` (sorted, at most `k` entries) and keeps it sorted and bounded:
 * an id not in the list enters only if the list has room or it beats the last entry (which then
 * drops out). Returns true if the list changed. O(k).
 *
 * Exact top-k over a stream when scores only grow: an id outside the list can only get in by an
 * update of its own, which is offered here.
 */
export function offerTopK(list: ScoredId[], id: string, score: number, k: number): boolean {
  let at = -1;
  for (let i = 0; i < list.length; i++) {
    if ((list[i] as ScoredId)[0] === id) {
      at = i;
      break;
    }
  }
  const entry: ScoredId = [id, score];
  if (at < 0) {
    const last = list[list.length - 1];
    if (list.length >= k && (last === undefined || !before(entry, last))) return false;
  } else {
    list.splice(at, 1);
  }
  let i = list.length;
  while (i > 0 && before(entry, list[i - 1] as ScoredId)) i--;
  list.splice(i, 0, entry);
  if (list.length > k) list.length = k;
  return true;
}

/** The `k` best of several lists (an id in several keeps its best score), best first. */
export function mergeTopK(lists: ReadonlyArray<readonly ScoredId[]>, k: number): ScoredId[] {
  const best = new Map<string, number>();
  for (const list of lists) {
    for (const [id, score] of list) {
      const seen = best.get(id);
      if (seen === undefined || score > seen) best.set(id, score);
    }
  }
  return [...best]
    .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
    .slice(0, Math.max(0, k));
}
