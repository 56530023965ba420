/**
 * `npm run bench:ho [-- --quick]`: the HO at chain scale. Runs the same simulated-terminal load
 * (bench/ho-load-generator.ts, a process of its own) against SQLite x 1 instance, PostgreSQL x 1 and
 * PostgreSQL x 2 on a throwaway cluster, side by side in one run, and reports terminals served,
 * requests/s, MB/s, p50/p99 per route, errors, peak RSS per instance and HO CPU seconds per full sync.
 * Writes bench-ho-results.json and prints a Markdown table.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { startPostgres } from '../scripts/postgres';
import { type HoServer, startHoServer } from '../test/helpers/ho-server';
import { until } from './wait';

const quick = process.argv.includes('--quick');
/** `--setups sqlite,pg1,pg2` (default all): the setups to run, e.g. one alone while investigating it. */
const SETUPS = ['sqlite', 'pg1', 'pg2'] as const;
const setupsArg = process.argv[process.argv.indexOf('--setups') + 1];
const setups = process.argv.includes('--setups') ? (setupsArg ?? '').split(',') : [...SETUPS];
for (const s of setups)
  if (!(SETUPS as readonly string[]).includes(s))
    throw new Error(`--setups takes a comma-separated list of ${SETUPS.join(', ')}; got "${s}"`);
const CATALOG = quick ? { photos: 100, avgBytes: 20_000 } : { photos: 300, avgBytes: 50_000 };
const TERMINALS = quick ? 20 : 200;
const SECONDS = quick ? 20 : 60;
const SECRET = 'bench-secret-shared-by-instances';
const BENCH_STORE = /Benchmark \S+\s+([0-9a-f-]{36})/;

/** utime + stime of a process in seconds, and its peak RSS in MB (Linux /proc). */
function usage(pid: number): { cpuS: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / 100;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS, peakRssMb: Number(hwm) / 1024 };
}

/**
 * A bench process (`script` run with tsx, `args` as its JSON argument) whose stdout is collected; bounded in
 * time: one still busy long after the load's deadline is killed. `done` resolves with its whole output.
 */
function spawnJson(script: string, args: object): { out: () => string; done: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), (SECONDS * 4 + 60) * 1000);
  const done = new Promise<string>((resolve) =>
    child.once('exit', () => {
      clearTimeout(guard);
      resolve(out);
    }),
  );
  return { out: () => out, done };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function scenario(name: string, instances: number, databaseUrl?: string) {
  const args = [
    '--no-demo',
    '--catalog',
    String(CATALOG.photos),
    '--avg-bytes',
    String(CATALOG.avgBytes),
    '--catalog-seed',
    '1',
  ];
  const env: Record<string, string> = { JWT_SECRET: SECRET, ADMIN_PASSWORD: 'bench-admin' };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const servers: HoServer[] = [];
  try {
    // The first instance generates the catalog; the others find it in the database.
    for (let i = 0; i < instances; i++)
      servers.push(await startHoServer({ args, env, startTimeoutMs: 10 * 60_000 }));
    const store = await until(
      () => BENCH_STORE.exec(servers[0]!.output())?.[1],
      10_000,
      'the benchmark store line',
    );
    const credentials = { username: 'admin', password: 'bench-admin' };
    const probe = spawnJson('bench/ho-probe.ts', {
      urls: servers.map((s) => s.url),
      store,
      seconds: SECONDS,
      ...credentials,
    });
    await until(
      () => probe.out().startsWith('ready\n') || undefined,
      60_000,
      'the probe signed in',
    );
    const before = servers.map((s) => usage(s.pid!));
    const generator = spawnJson('bench/ho-load-generator.ts', {
      urls: servers.map((s) => s.url),
      store,
      terminals: TERMINALS,
      seconds: SECONDS,
      ...credentials,
    });
    const out = await generator.done;
    const after = servers.map((s) => usage(s.pid!));
    const probed = JSON.parse((await probe.done).split('\n').at(-2) ?? '{}') as {
      latencies: Record<'list' | 'download', number[]>;
    };
    const r = JSON.parse(out) as {
      seconds: number;
      latencies: Record<string, number[]>;
      bytes: number;
      errors: number;
      throttled: number;
      failedTerminals: number;
      fullSyncs: number;
    };
    const requests = Object.values(r.latencies).reduce((n, l) => n + l.length, 0);
    const cpuS = after.reduce((sum, a, i) => sum + a.cpuS - before[i]!.cpuS, 0);
    return {
      name,
      terminals: TERMINALS,
      served: r.fullSyncs,
      seconds: r.seconds,
      requestsPerS: requests / r.seconds,
      mbPerS: r.bytes / r.seconds / 1e6,
      errors: r.errors + r.failedTerminals,
      throttled: r.throttled,
      routes: Object.fromEntries(
        Object.entries(r.latencies).map(([route, l]) => [
          route,
          { n: l.length, p50: percentile(l, 50), p99: percentile(l, 99) },
        ]),
      ),
      probe: Object.fromEntries(
        Object.entries(probed.latencies).map(([route, l]) => [
          route,
          { n: l.length, p50: percentile(l, 50), p99: percentile(l, 99) },
        ]),
      ),
      peakRssMb: after.map((a) => a.peakRssMb),
      cpuSPerFullSync: r.fullSyncs ? cpuS / r.fullSyncs : 0,
    };
  } finally {
    for (const s of servers) await s.dispose();
  }
}

const cluster = await startPostgres();
try {
  const admin = new pg.Client(cluster.url);
  await admin.connect();
  const database = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    return cluster.url.replace(/\/postgres$/, `/${name}`);
  };
  const results = [];
  if (setups.includes('sqlite')) results.push(await scenario('SQLite x 1', 1));
  if (setups.includes('pg1'))
    results.push(await scenario('PostgreSQL x 1', 1, await database('bench_pg1')));
  if (setups.includes('pg2'))
    results.push(await scenario('PostgreSQL x 2', 2, await database('bench_pg2')));
  await admin.end();
  writeFileSync(
    'bench-ho-results.json',
    `${JSON.stringify({ quick, CATALOG, results }, null, 2)}\n`,
  );
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    `Catalog ${CATALOG.photos} photos x ${CATALOG.avgBytes / 1000} kB, ${TERMINALS} terminals, ${SECONDS} s\n`,
  );
  console.log(
    '| Setup | Full syncs done | req/s | MB/s | list p50/p99 ms | download p50/p99 ms | status p50/p99 ms | token p50/p99 ms | probe list p50/p99 ms (p99/p50) | probe download p50/p99 ms | 429s waited out | Errors | Peak RSS MB | HO CPU s / full sync |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const pair = (l: { p50: number; p99: number } | undefined) =>
      l === undefined ? '-' : `${f(l.p50, 0)} / ${f(l.p99, 0)}`;
    const route = (k: string) => pair(r.routes[k]);
    const probeList = r.probe.list;
    const spread = probeList === undefined ? '' : ` (${f(probeList.p99 / probeList.p50)}x)`;
    console.log(
      `| ${r.name} | ${r.served}/${r.terminals} | ${f(r.requestsPerS, 0)} | ${f(r.mbPerS)} | ${route('list')} | ${route('download')} | ${route('status')} | ${route('token')} | ${pair(probeList)}${spread} | ${pair(r.probe.download)} | ${r.throttled} | ${r.errors} | ${r.peakRssMb.map((m) => f(m, 0)).join(' + ')} | ${f(r.cpuSPerFullSync, 2)} |`,
    );
  }
} finally {
  cluster.stop();
}
