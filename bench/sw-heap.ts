/**
 * Peak JS heap of the service worker, read with the DevTools protocol on the worker's own target
 * (Runtime.getHeapUsage), sampled while a sync runs. Playwright has no CDP session for workers, so the
 * page's session attaches to the worker target and relays messages (Target.sendMessageToTarget).
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** Peak heap figures over the sampled period. */
export interface HeapPeak {
  /** Largest Runtime.getHeapUsage usedSize seen, bytes. */
  peakUsedBytes: number;
  /** Largest totalSize (heap reserved by V8), bytes. */
  peakTotalBytes: number;
  samples: number;
  /** Used heap after a forced garbage collection once sampling stopped: what the worker still holds, bytes. */
  afterGcUsedBytes?: number;
  /** Why sampling stopped early (e.g. the worker was restarted), if it did. */
  error?: string;
}

/** A running sampler; stop() ends it and returns the peaks. */
export interface HeapSampler {
  stop(): Promise<HeapPeak>;
}

const REPLY_TIMEOUT_MS = 5000;

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/** CDP commands to a worker target through the page's session (Playwright has no session for workers). */
export class WorkerTarget {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    (reply: { result?: unknown; error?: { message: string } }) => void
  >();
  constructor(
    private readonly cdp: CDPSession,
    private readonly sessionId: string,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== this.sessionId) return;
      const reply = JSON.parse(event.message) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (reply.id !== undefined) this.waiting.get(reply.id)?.(reply);
    });
  }

  async send<T>(method: string, params?: object): Promise<T> {
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<{ result?: unknown; error?: { message: string } }>((done) => {
      this.waiting.set(id, done);
      // A worker that was stopped never answers.
      timer = setTimeout(
        () => done({ error: { message: `no answer within ${REPLY_TIMEOUT_MS} ms` } }),
        REPLY_TIMEOUT_MS,
      );
    });
    await this.cdp.send('Target.sendMessageToTarget', {
      sessionId: this.sessionId,
      message: JSON.stringify({ id, method, params }),
    });
    const { result, error } = await reply;
    clearTimeout(timer);
    this.waiting.delete(id);
    if (error) throw new Error(`${method}: ${error.message}`);
    return result as T;
  }
}

/** Starts sampling the heap of the service worker of `page`'s origin every `intervalMs`. */
export async function sampleServiceWorkerHeap(
  context: BrowserContext,
  page: Page,
  intervalMs = 100,
): Promise<HeapSampler> {
  const origin = new URL(page.url()).origin;
  const cdp = await context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(origin));
  if (!sw) throw new Error(`no service worker target for ${origin}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: sw.targetId,
    flatten: false,
  });
  const target = new WorkerTarget(cdp, sessionId);
  const peak: HeapPeak = { peakUsedBytes: 0, peakTotalBytes: 0, samples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      let usage: HeapUsage;
      try {
        usage = await target.send<HeapUsage>('Runtime.getHeapUsage');
      } catch (e) {
        peak.error = (e as Error).message;
        break;
      }
      peak.peakUsedBytes = Math.max(peak.peakUsedBytes, usage.usedSize);
      peak.peakTotalBytes = Math.max(peak.peakTotalBytes, usage.totalSize);
      peak.samples++;
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (peak.error === undefined) {
        // Tells a peak of garbage not yet collected from memory the worker really holds.
        await target.send('HeapProfiler.collectGarbage').catch(() => undefined);
        const after = await target.send<HeapUsage>('Runtime.getHeapUsage').catch(() => null);
        if (after !== null) peak.afterGcUsedBytes = after.usedSize;
      }
      await cdp.detach();
      return peak;
    },
  };
}
