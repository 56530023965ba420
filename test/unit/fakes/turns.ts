/** Waiting on a condition in unit tests by turns of the event loop, never by the wall clock. */

/**
 * Lets the event loop turn (one setImmediate each: promise callbacks, the fakes' work and FakeClock's timers
 * run between checks) until `done()` holds or `turns` turns have passed, and answers whether it holds. The
 * bound makes a condition that never comes a failed assertion rather than a test that hangs: assert on it.
 */
export async function turnsUntil(
  done: () => boolean | Promise<boolean>,
  turns = 20_000,
): Promise<boolean> {
  for (let i = 0; i < turns; i++) {
    if (await done()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done();
}
