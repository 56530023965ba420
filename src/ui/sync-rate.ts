/** Download rate over the last few seconds of a run, from the progress snapshots the SW broadcasts. */

/** One progress observation. */
export interface RateSample {
  at: number;
  done: number;
  bytes: number;
}

/** Photos and bytes per second, or null until there is enough history. */
export interface Rate {
  photosPerSecond: number;
  bytesPerSecond: number;
}

const WINDOW_MS = 10_000;
const MIN_SPAN_MS = 1_000;

/** Keeps a sliding window of samples; a new run (counters going back) starts it afresh. */
export class RateMeter {
  private samples: RateSample[] = [];

  /** Records a sample and returns the rate across the window. */
  add(sample: RateSample): Rate | null {
    const last = this.samples.at(-1);
    if (last !== undefined && (sample.done < last.done || sample.bytes < last.bytes))
      this.samples = [];
    if (last === undefined || sample.done !== last.done || sample.bytes !== last.bytes)
      this.samples.push(sample);
    this.samples = this.samples.filter((s) => sample.at - s.at <= WINDOW_MS);
    const first = this.samples[0];
    if (first === undefined) return null;
    const span = sample.at - first.at;
    if (span < MIN_SPAN_MS) return null;
    return {
      photosPerSecond: ((sample.done - first.done) * 1000) / span,
      bytesPerSecond: ((sample.bytes - first.bytes) * 1000) / span,
    };
  }

  /** Forgets the history (the run ended). */
  reset(): void {
    this.samples = [];
  }
}
