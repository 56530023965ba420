/** Command-line options of `npm run bench`: the full run by default, `--quick` for a small smoke run. */
import { parseArgs } from 'node:util';
import { FLOOR_VARIANTS, type FloorVariant } from './floor-protocol';

/** The scenarios `--only` can pick, in the order the bench runs them. */
export const SCENARIOS = [
  'bundle',
  'md5',
  'full-sync',
  'politeness',
  'footprint',
  'gallery',
  'flat-cost',
] as const;

/** One of SCENARIOS. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** What one bench invocation measures and where it writes the results. */
export interface BenchOptions {
  quick: boolean;
  /** JSON results file. */
  out: string;
  /** Photos of the full-sync catalog (scenarios 1-5). */
  photos: number;
  /** Average photo size of that catalog. */
  avgBytes: number;
  /** Injected server latencies of scenario 1, ms per request. */
  latenciesMs: number[];
  /** Repetitions of every alternating comparison (median taken). */
  reps: number;
  /** Products of the gallery scenario (8). */
  galleryProducts: number;
  /** Average photo size of the gallery catalog (small: the scenario measures paint, not transfer). */
  galleryAvgBytes: number;
  /** Bytes hashed per MD5 measurement (scenario 6). */
  md5Bytes: number;
  /** Share of photos changed in scenario 4. */
  changedShare: number;
  /** Rebuild dist/ before measuring (off with --no-build to measure the existing build). */
  build: boolean;
  /** SVG chart of the full-sync comparison. */
  chart: string;
  /** Scenarios to run (all unless --only names some). */
  only: ReadonlySet<ScenarioName>;
  /** Catalog sizes of the flat-cost scenario (9): small, large. */
  flatCostPhotos: [number, number];
  /** Average photo size of the flat-cost catalogs. */
  flatCostAvgBytes: number;
  /** Floor variants of the full-sync comparison (all unless --floor names some; none with --floor none). */
  floor: readonly FloorVariant[];
}

const USAGE = `Usage: npm run bench -- [--quick] [--out FILE] [--chart FILE] [--reps N] [--no-build] [--only LIST]
  --quick      small catalogs (200 photos; flat cost 200 and 2,000), one latency (30 ms), 3 reps: a few minutes
  --out FILE   JSON with every figure (default bench-results.json)
  --chart FILE SVG chart of the full-sync comparison (default: the --out path with .svg)
  --reps N     repetitions of each alternating comparison (default 3, at least 3 for ratios)
  --no-build   measure the existing dist/ instead of running vite build first
  --latencies LIST  comma-separated injected latencies of the full-sync comparison, ms (default 0,30; quick 30)
  --only LIST  comma-separated scenarios to run (default all): ${SCENARIOS.join(', ')}
               (footprint is scenarios 3-5: footprint and the incremental syncs on the same terminal)
  --floor LIST floor variants of the full-sync comparison (default all): ${FLOOR_VARIANTS.join(', ')}; none: no floor`;

/** The names `flag` lists, each one of `known` (all of them without the flag); throws on an unknown or empty name. */
function parseList<T extends string>(flag: string, known: readonly T[], value?: string): T[] {
  if (value === undefined) return [...known];
  const names = value.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!(known as readonly string[]).includes(name))
      throw new Error(
        `${flag}: unknown name ${JSON.stringify(name)} (known: ${known.join(', ')})\n${USAGE}`,
      );
  }
  return names as T[];
}

/** Parses argv; throws with the usage text on bad input. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript infers the type from the assignment in the try block.
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        out: { type: 'string' },
        chart: { type: 'string' },
        reps: { type: 'string' },
        'no-build': { type: 'boolean' },
        only: { type: 'string' },
        latencies: { type: 'string' },
        floor: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new Error(USAGE);
  const quick = values.quick === true;
  const out = values.out ?? 'bench-results.json';
  const reps = values.reps === undefined ? 3 : Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`--reps must be a positive whole number\n${USAGE}`);
  const latencies = values.latencies
    ?.split(',')
    .map((l) => (/^\s*\d+\s*$/.test(l) ? Number(l) : Number.NaN));
  if (latencies?.some((l) => !(l <= 10_000)))
    throw new Error(`--latencies takes whole milliseconds from 0 to 10000\n${USAGE}`);
  return {
    quick,
    out,
    chart: values.chart ?? `${out.replace(/\.json$/i, '')}.svg`,
    photos: quick ? 200 : 2000,
    avgBytes: 100_000,
    latenciesMs: latencies ?? (quick ? [30] : [0, 30]),
    reps,
    galleryProducts: quick ? 500 : 10_000,
    galleryAvgBytes: 3000,
    md5Bytes: (quick ? 32 : 128) * 1024 * 1024,
    changedShare: 0.01,
    build: values['no-build'] !== true,
    only: new Set(parseList('--only', SCENARIOS, values.only)),
    flatCostPhotos: quick ? [200, 2000] : [2000, 20_000],
    flatCostAvgBytes: 3000,
    floor: values.floor === 'none' ? [] : parseList('--floor', FLOOR_VARIANTS, values.floor),
  };
}
