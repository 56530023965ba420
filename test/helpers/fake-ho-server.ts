/**
 * The unit tests' fake HO (test/unit/fakes/fake-ho.ts) over real HTTP, on the same origin as the built PWA:
 * for browser tests that need an HO the reference server refuses to be, e.g. one listing hostile "photos".
 */
import { FakeClock } from '../unit/fakes/fake-clock';
import { FakeHo, STORE } from '../unit/fakes/fake-ho';
import { DIST_DIR } from './ho-server';
import { serveStatic } from './static-server';

/** The fake HO's store user, as the sign-in form takes it. */
export const FAKE_HO_ACCOUNT = { id: STORE, username: 'store1', password: 'secret' } as const;

/** A running fake HO serving the PWA at `/` and the API at `/api/`. */
export interface FakeHoServer {
  /** Origin, without trailing slash. */
  readonly origin: string;
  /** The HO itself: its catalog, knobs and request logs. */
  readonly ho: FakeHo;
  close(): Promise<void>;
}

/** Starts the fake HO on 127.0.0.1 (its token clock at real time, so the terminal finds tokens fresh). */
export async function startFakeHoServer(staticDir = DIST_DIR): Promise<FakeHoServer> {
  const clock = new FakeClock(Date.now());
  const ho = new FakeHo(clock);
  const site = await serveStatic(staticDir, '/', { prefix: '/api/', fetch: ho.fetch });
  return {
    origin: site.origin,
    ho,
    close: async () => {
      clock.stop();
      await site.close();
    },
  };
}
