/**
 * The app shell's navigation answer carrying the gallery's first screen: its saved photos preloaded (the
 * browser asks for them as soon as it parses the head, while the page's script still loads and starts) and its
 * products in a data block (the first render need not wait for a product page's round trip), so the
 * gallery's first `<img>` paints with the first render.
 */
import { FIRST_SCREEN_DATA_ID, type FirstScreenData } from '../shared/messages';

/** Photos preloaded: about the first two rows of a kiosk's grid, the ones the first paint shows. */
export const PRELOADED_PHOTOS = 24;

/** What the shell carries: the first products and the paths (below the base) of the photos to preload. */
export interface ShellFirstScreen {
  head: FirstScreenData;
  photos: readonly string[];
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
};

/** `value` safe inside a double-quoted HTML attribute (the paths carry ids the HO chose). */
function escapeAttribute(value: string): string {
  return value.replace(/[&"'<>]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/**
 * `value` as JSON safe inside a script data block: no `<` at all, so no text the HO chose (a product name)
 * can end the block or open a comment (JSON.parse reads `\u003c` back as `<`).
 */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * `shell` (the precached index.html answer) with `first` in its head: a `<link rel="preload" as="image">` per
 * photo path (below `base`, the scope's path) and the products' data block. `shell` itself when there is no
 * first screen, it is not an OK HTML answer, or it has no head to put them in.
 */
export async function withFirstScreen(
  shell: Response,
  base: string,
  first: ShellFirstScreen | null,
): Promise<Response> {
  if (
    first === null ||
    !shell.ok ||
    !(shell.headers.get('Content-Type') ?? '').includes('text/html')
  )
    return shell;
  const html = await shell.clone().text();
  const end = html.indexOf('</head>');
  if (end < 0) return shell;
  const links = first.photos
    .map((path) => `<link rel="preload" as="image" href="${escapeAttribute(`${base}${path}`)}">`)
    .join('');
  const data = `<script type="application/json" id="${FIRST_SCREEN_DATA_ID}">${scriptJson(first.head)}</script>`;
  const headers = new Headers(shell.headers);
  headers.delete('Content-Length');
  return new Response(`${html.slice(0, end)}${links}${data}${html.slice(end)}`, {
    status: shell.status,
    statusText: shell.statusText,
    headers,
  });
}
