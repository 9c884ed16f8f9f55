// The bounded list of an item's co-occurring items with their pair weights. Exact until it is
// full; then Space-Saving (Metwally et al. 2005): a newcomer takes over the smallest counter.

/**
 * `[itemId, weight, overestimate]`: under Space-Saving `weight` is an upper bound of the true
 * pair weight and `weight − overestimate` a lower bound (overestimate 0 = exact).
 */
export type NeighbourCount = [itemId: string, weight: number, overestimate: number];

/**
 * Adds `weight` to `itemId`'s counter in `list` (at most `capacity` counters). When the list is
 * full and the item has no counter, the counter with the smallest weight is replaced by
 * `[itemId, min + weight, min]`, so frequent co-occurring items are never lost for long.
 */
export function addNeighbourWeight(
  list: NeighbourCount[],
  itemId: string,
  weight: number,
  capacity: number,
): void {
  let min = 0;
  let minAt = -1;
  for (let i = 0; i < list.length; i++) {
    const counter = list[i] as NeighbourCount;
    if (counter[0] === itemId) {
      counter[1] += weight;
      return;
    }
    if (minAt < 0 || counter[1] < min) {
      min = counter[1];
      minAt = i;
    }
  }
  if (list.length < capacity) {
    list.push([itemId, weight, 0]);
  } else if (minAt >= 0) {
    list[minAt] = [itemId, min + weight, min];
  }
}

/** The guaranteed part of a counter's weight (`weight − overestimate`). */
export function neighbourWeightLowerBound(counter: NeighbourCount): number {
  return counter[1] - counter[2];
}
