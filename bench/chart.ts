/** A dependency-free SVG bar chart of the full-sync comparison (scenario 1): median seconds per contender and latency. */
import type { FullSyncResult } from './full-sync';

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 56, right: 24, bottom: 114, left: 64 };
const SERIES = [
  { key: 'pwa', label: 'PWA (sign-in to all verified and stored)', color: '#0f766e' },
  { key: 'raw', label: 'plain fetch(), bytes discarded (transfer limit)', color: '#94a3b8' },
  {
    key: 'floor',
    label: 'floor: a bare service worker fetching, reading, MD5, Blob (no storage)',
    color: '#64748b',
  },
  { key: 'python', label: 'reference Python example (scaled from its one page)', color: '#b45309' },
] as const;

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round step for the y axis so that about five grid lines fit. */
function niceStep(max: number): number {
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
}

/** The chart as an SVG document. */
export function fullSyncChart(
  results: readonly FullSyncResult[],
  photos: number,
  subtitle: string,
): string {
  const groups = results.map((r) => ({
    label: `${r.latencyMs} ms injected latency`,
    values: {
      pwa: r.medianPwaS,
      raw: r.medianRawFetchS,
      floor: r.floor.find((f) => f.variant === 'blob')?.medianS ?? null,
      python: r.medianSeedPythonS,
    } as Record<string, number | null>,
  }));
  const max = Math.max(
    ...groups.flatMap((g) => Object.values(g.values).filter((v): v is number => v !== null)),
  );
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (v: number) => Math.round((MARGIN.top + plotH - (v / top) * plotH) * 10) / 10;
  const groupW = plotW / groups.length;
  const barW = Math.min(64, (groupW * 0.7) / SERIES.length);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="600">Full sync of ${photos.toLocaleString('en-US')} photos, median seconds (lower is better)</text>`,
    `<text x="${MARGIN.left}" y="40" fill="#475569">${esc(subtitle)}</text>`,
  ];
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e2e8f0"/>`,
    );
    out.push(
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#475569">${Number(v.toPrecision(6))} s</text>`,
    );
  }
  groups.forEach((g, gi) => {
    const x0 = MARGIN.left + gi * groupW + (groupW - barW * SERIES.length) / 2;
    SERIES.forEach((series, si) => {
      const v = g.values[series.key];
      const x = x0 + si * barW;
      if (v === null || v === undefined) {
        out.push(
          `<text x="${x + barW / 2}" y="${y(0) - 4}" text-anchor="middle" fill="#475569">n/a</text>`,
        );
        return;
      }
      out.push(
        `<rect x="${x + 2}" y="${y(v)}" width="${barW - 4}" height="${y(0) - y(v)}" fill="${series.color}"><title>${esc(series.label)}: ${v.toFixed(2)} s</title></rect>`,
      );
      out.push(
        `<text x="${x + barW / 2}" y="${y(v) - 4}" text-anchor="middle">${v.toFixed(1)}</text>`,
      );
    });
    out.push(
      `<text x="${MARGIN.left + gi * groupW + groupW / 2}" y="${y(0) + 18}" text-anchor="middle">${esc(g.label)}</text>`,
    );
  });
  SERIES.forEach((series, si) => {
    const lx = MARGIN.left;
    const ly = HEIGHT - 70 + si * 18;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${series.color}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly}" font-size="11">${esc(series.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
