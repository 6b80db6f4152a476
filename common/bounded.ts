// Bounded in-memory logs: keep the newest `cap` entries of an array that callers read as a plain
// array (oldest first). Trimming happens in batches (an eighth of the cap at a time), so a push
// costs O(1) amortised instead of a shift per entry.

/** Appends item; when the array holds more than cap + cap/8 entries, drops the oldest down to cap. */
export function pushBounded<T>(log: T[], item: T, cap: number): void {
  log.push(item);
  if (log.length > cap + Math.max(1, Math.floor(cap / 8))) log.splice(0, log.length - cap);
}
