/**
 * The app shell's navigation answer with the first screen's photos preloaded: the browser asks for them as
 * soon as it parses the page's head, while the page's script still loads, starts and asks for the products
 * (the gallery's first `<img>` then finds its photo already answered, ~150-250 ms earlier).
 */

/** Photos preloaded: about the first two rows of a kiosk's grid, the ones the first paint shows. */
export const PRELOADED_PHOTOS = 24;

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
 * `shell` (the precached index.html answer) with a `<link rel="preload" as="image">` per path (below
 * `base`, the scope's path) in its head; `shell` itself when there is nothing to preload, it is not an
 * OK HTML answer, or it has no head to put them in.
 */
export async function withPreloads(
  shell: Response,
  base: string,
  paths: readonly string[],
): Promise<Response> {
  if (
    paths.length === 0 ||
    !shell.ok ||
    !(shell.headers.get('Content-Type') ?? '').includes('text/html')
  )
    return shell;
  const html = await shell.clone().text();
  const end = html.indexOf('</head>');
  if (end < 0) return shell;
  const links = paths
    .map((path) => `<link rel="preload" as="image" href="${escapeAttribute(`${base}${path}`)}">`)
    .join('');
  const headers = new Headers(shell.headers);
  headers.delete('Content-Length');
  return new Response(`${html.slice(0, end)}${links}${html.slice(end)}`, {
    status: shell.status,
    statusText: shell.statusText,
    headers,
  });
}
