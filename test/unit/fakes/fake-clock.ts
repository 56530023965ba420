/**
 * Virtual-time clock for engine tests. Time only moves when every piece of work is blocked on a timer:
 * a setImmediate loop fires the earliest pending timer whenever the microtask queue has drained (the
 * fakes never use real I/O), so sleeps, backoffs and timeouts happen in order without wall-clock waits.
 */
import type { Clock } from '../../../src/sync/ports';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** A Clock whose time advances only through timers (auto) or `advance`. */
export class FakeClock implements Clock {
  /** Every sleep requested, in ms, in call order. */
  readonly sleeps: number[] = [];
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private running = true;

  constructor(start = Date.parse('2026-02-03T10:00:00Z')) {
    this.t = start;
    this.loop();
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      const timer: Timer = {
        at: this.t + ms,
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward (e.g. between runs), firing timers that fall due. */
  advance(ms: number): void {
    this.t += ms;
    for (;;) {
      const due = this.timers
        .filter((x) => x.at <= this.t)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) return;
      this.fire(due);
    }
  }

  /** Stops the auto-advance loop; timers still pending never fire (a "killed" worker). */
  stop(): void {
    this.running = false;
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter((x) => x !== timer);
    this.t = Math.max(this.t, timer.at);
    timer.resolve();
  }

  private loop(): void {
    setImmediate(() => {
      if (!this.running) return;
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next !== undefined) this.fire(next);
      this.loop();
    });
  }
}
