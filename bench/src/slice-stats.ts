import { percentile } from './timing';

/** The median of per-slice ratios and how far they spread. */
export interface RatioSummary {
  median: number;
  /** 10th and 90th percentiles: the middle 80% of the slices lie between them. */
  p10: number;
  p90: number;
  slices: number;
}

/**
 * How fast side A went relative to side B, slice by slice: both ran the same count in each slice,
 * so the rate ratio is B's time over A's. The median ignores the slices a pause landed on.
 */
export function sliceRatios(aNs: number[], bNs: number[]): RatioSummary {
  const ratios = aNs.map((ns, slice) => bNs[slice]! / ns).sort((x, y) => x - y);
  return { median: percentile(ratios, 0.5), p10: percentile(ratios, 0.1), p90: percentile(ratios, 0.9), slices: ratios.length };
}

/** The median of the slices' rates, in items per second. */
export function medianRate(sliceNs: number[], itemsPerSlice: number): number {
  const rates = sliceNs.map((ns) => itemsPerSlice / (ns / 1e9)).sort((x, y) => x - y);
  return percentile(rates, 0.5);
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((x, y) => x - y),
    0.5,
  );
}
