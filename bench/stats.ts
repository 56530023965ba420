/** Small statistics for the bench: medians of repeated runs and ratios of paired runs. */

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of the per-repetition ratios a[i] / b[i] (runs i of A and B were made back to back). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new Error(`paired runs differ in count: ${a.length} vs ${b.length}`);
  return median(a.map((x, i) => x / b[i]!));
}

/** Rounds to `digits` decimals (the JSON results keep 4: more would be noise). */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
