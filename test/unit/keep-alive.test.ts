/**
 * Long runs outlive Chromium's 5-minute limit per service worker event: each event waits for the run for
 * at most EVENT_EXTENSION_MS (src/sw/event-extension.ts), and a page showing a run asks for the state
 * every minute (src/ui/heartbeat.ts), so fresh events keep the worker alive. Before, the event that started
 * a run waited for all of it, and a 20,000-photo first sync was stopped after 5 minutes.
 */
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { signal } from '@preact/signals';
import { atMost, EVENT_EXTENSION_MS } from '../../src/sw/event-extension';
import { HEARTBEAT_MS, startHeartbeat } from '../../src/ui/heartbeat';

const CHROMIUM_EVENT_LIMIT_MS = 5 * 60_000;

test('an event waits for the run, but never as long as Chromium allows one event', async (t) => {
  assert.ok(EVENT_EXTENSION_MS < CHROMIUM_EVENT_LIMIT_MS);
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  let waited = false;
  const endless = atMost(new Promise(() => undefined), EVENT_EXTENSION_MS).then(() => {
    waited = true;
  });
  mock.timers.tick(EVENT_EXTENSION_MS - 1);
  await Promise.resolve();
  assert.equal(waited, false, 'still extending the event');
  mock.timers.tick(1);
  await endless;
  assert.equal(waited, true, 'released before the limit');
  // A run that ends (or fails) releases the event at once.
  await atMost(Promise.resolve(), EVENT_EXTENSION_MS);
  await atMost(Promise.reject(new Error('run failed')), EVENT_EXTENSION_MS);
});

test('a page showing a run asks for the state every minute, and stops when the run ends', (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  assert.ok(HEARTBEAT_MS * 2 <= EVENT_EXTENSION_MS, 'several asks per event extension');
  const running = signal(false);
  let beats = 0;
  const stop = startHeartbeat(running, () => beats++);
  mock.timers.tick(HEARTBEAT_MS * 3);
  assert.equal(beats, 0, 'no run, no asks');
  running.value = true;
  mock.timers.tick(HEARTBEAT_MS * 6);
  assert.equal(beats, 6, 'a 6-minute run: six asks, each a fresh event');
  running.value = true; // progress updates do not restart the clock
  mock.timers.tick(HEARTBEAT_MS);
  assert.equal(beats, 7);
  running.value = false;
  mock.timers.tick(HEARTBEAT_MS * 3);
  assert.equal(beats, 7, 'run over: quiet');
  running.value = true;
  stop();
  mock.timers.tick(HEARTBEAT_MS * 3);
  assert.equal(beats, 7, 'stopped watching');
});
