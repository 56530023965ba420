/** Waiting on a condition in Node (never a fixed sleep): polls until a value appears or a deadline passes. */
import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 25;

/** Resolves with the first non-undefined value of `probe`; rejects naming `what` after `timeoutMs`. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(POLL_MS);
  }
}
