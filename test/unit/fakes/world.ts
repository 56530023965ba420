/** Wires a SyncSession and its SyncEngine to the fakes (HO over fake fetch, virtual clock, memory storage, in-process lock). */
import { createMD5 } from 'hash-wasm';
import type { StatusItem, SyncProgress, SyncSettings } from '../../../src/shared/types';
import { SyncEngine } from '../../../src/sync/engine';
import type { LockFn, ProbeResult } from '../../../src/sync/ports';
import { SyncSession } from '../../../src/sync/session';
import { FakeClock } from './fake-clock';
import { FakeHo, HO, STORE, md5 } from './fake-ho';
import { MemoryStorage } from './memory-storage';

// hash-wasm compiles its module once, asynchronously; afterwards creating hashers is microtask-only,
// which the virtual clock relies on.
await createMD5();

/** An exclusive in-process lock, like Web Locks for one name. */
export function memoryLock(): LockFn {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(_name: string, fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Test settings: the HO above, small timeouts, deterministic-enough backoff. */
export const TEST_SETTINGS: Partial<SyncSettings> = {
  serverUrl: HO,
  storeId: STORE,
  terminalName: 'till-1',
  requestTimeoutMs: 5_000,
  backoffBaseMs: 200,
  backoffMaxMs: 2_000,
};

/** One terminal ("process") on the shared storage; `kill` freezes it at once, like a stopped service worker. */
export interface Terminal {
  session: SyncSession;
  engine: SyncEngine;
  progress: SyncProgress[];
  kill(): void;
  /** Kills the terminal as a request matching it is about to be sent. */
  killWhen: (url: URL) => boolean;
  /** Resolves when the terminal was killed. */
  died: Promise<void>;
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** A test world: HO + storage shared by terminals that can be "killed" and restarted. */
export class World {
  readonly storage = new MemoryStorage();
  readonly clock = new FakeClock();
  readonly ho = new FakeHo(this.clock);
  term: Terminal;
  /** What the session's connection probe finds (a CSP block or CORS cannot happen in Node). */
  probeResult: ProbeResult = { kind: 'no-answer' };
  /** The origin the app is served from. */
  appOrigin = 'http://app.test';

  constructor(private readonly settings: Partial<SyncSettings> = {}) {
    this.term = this.boot();
  }

  get engine(): SyncEngine {
    return this.term.engine;
  }

  get session(): SyncSession {
    return this.term.session;
  }

  /**
   * Starts a terminal process on the shared storage. Its fetch, response bodies and timers go through
   * a switch: once killed, none of them ever settles again, so the dead process does nothing more.
   */
  boot(): Terminal {
    const progress: SyncProgress[] = [];
    let alive = true;
    let died = (): void => undefined;
    const diedPromise = new Promise<void>((resolve) => (died = resolve));
    const kill = (): void => {
      alive = false;
      died();
    };
    const freeze = (res: Response): Response => {
      if (res.body === null) return res;
      const reader = res.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        pull: async (c) => {
          const r = await reader.read();
          if (!alive) return never();
          if (r.done) c.close();
          else c.enqueue(r.value);
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const runtime = {
      fetch: async (url: string, init: RequestInit) => {
        if (alive && term.killWhen(new URL(url))) kill();
        if (!alive) return never<Response>();
        const res = await this.ho.fetch(url, init);
        return alive ? freeze(res) : never<Response>();
      },
      storage: this.storage,
      clock: {
        now: () => this.clock.now(),
        sleep: async (ms: number, signal?: AbortSignal) => {
          if (!alive) return never<void>();
          await this.clock.sleep(ms, signal);
          if (!alive) return never<void>();
        },
      },
      random: () => 0.5,
      lock: memoryLock(),
    };
    const session = new SyncSession({
      ...runtime,
      probe: async () => this.probeResult,
      appOrigin: this.appOrigin,
      defaults: { ...TEST_SETTINGS, ...this.settings },
    });
    const engine = new SyncEngine({ ...runtime, session, onProgress: (p) => progress.push(p) });
    const term: Terminal = {
      session,
      engine,
      progress,
      kill,
      died: diedPromise,
      killWhen: () => false,
    };
    this.term = term;
    return term;
  }

  async signIn(): Promise<void> {
    await this.session.authenticate({ kind: 'password', username: 'store1', password: 'secret' });
  }

  /** Ids whose stored bytes hash to the HO's current checksum; throws on any stored byte that does not match its record. */
  async verifiedIds(): Promise<string[]> {
    const ok: string[] = [];
    for (const [id, rec] of this.storage.records) {
      const blob = this.storage.bytesOf(id);
      if (blob === undefined) throw new Error(`record ${id} without bytes`);
      const sum = md5(await blob.arrayBuffer());
      if (sum !== rec.checksum) throw new Error(`stored bytes of ${id} do not match their record`);
      if (this.ho.photos.has(id) && sum === this.ho.checksum(id)) ok.push(id);
    }
    return ok.sort();
  }

  /** Every status report item the HO received for photo `id`, oldest first. */
  reportsOf(id: string): StatusItem[] {
    return this.ho.statusBatches.flatMap((b) =>
      (b.body.sync_batch as StatusItem[]).filter((i) => i.photo_id === id),
    );
  }

  close(): void {
    this.clock.stop();
  }
}

/** A world whose terminal is already signed in: what most engine tests start from. */
export async function world(settings: Partial<SyncSettings> = {}): Promise<World> {
  const w = new World(settings);
  await w.signIn();
  return w;
}
