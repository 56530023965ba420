/**
 * A windowed grid: only the rows near the viewport are in the DOM, so 10,000 tiles scroll smoothly. Rows
 * have a fixed height derived from the same constants the CSS uses (passed down as custom properties), so
 * the grid can place any row without measuring tiles and nothing shifts as images arrive. Scrolling is the
 * page's own, which keeps the browser's focus-scrolling and touch behaviour. Arrow keys move between
 * tiles (Home/End within the row, Ctrl+Home/End to the first/last tile), also to tiles not rendered yet.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Smallest tile width (px): big enough for a thumb, and at least two columns on a phone. */
export const MIN_TILE_PX = 168;
/** Space between tiles (px). */
export const GAP_PX = 12;
/** Height of the caption under the square photo (px): two lines of name plus the SKU. */
export const CAPTION_PX = 76;
/** Extra rendered area above and below the viewport, as a share of its height. */
const OVERSCAN = 0.5;

/** Which rows to render for a grid of `count` tiles, `width` px wide, whose top is `top` px from the viewport's. */
export interface GridWindow {
  columns: number;
  rowHeight: number;
  rows: number;
  firstRow: number;
  endRow: number;
}

/** Computes the rendered window; pure, so scrolling only re-renders when the window really changes. */
export function gridWindow(
  count: number,
  width: number,
  top: number,
  viewport: number,
): GridWindow {
  const columns = Math.max(1, Math.floor((width + GAP_PX) / (MIN_TILE_PX + GAP_PX)));
  const tile = Math.max(0, (width - GAP_PX * (columns - 1)) / columns);
  const rowHeight = tile + CAPTION_PX + GAP_PX;
  const rows = Math.ceil(count / columns);
  const margin = viewport * OVERSCAN;
  const firstRow = Math.min(rows, Math.max(0, Math.floor((-top - margin) / rowHeight)));
  const endRow = Math.min(
    rows,
    Math.max(firstRow, Math.ceil((viewport - top + margin) / rowHeight)),
  );
  return { columns, rowHeight, rows, firstRow, endRow };
}

/** Index of the tile a key press on tile `index` moves to, or null when the key is not a grid move. */
export function keyTarget(
  key: string,
  ctrl: boolean,
  index: number,
  count: number,
  columns: number,
): number | null {
  const rowStart = index - (index % columns);
  const moves: Record<string, number> = {
    ArrowLeft: index - 1,
    ArrowRight: index + 1,
    ArrowUp: index - columns,
    ArrowDown: index + columns,
    Home: ctrl ? 0 : rowStart,
    End: ctrl ? count - 1 : Math.min(count, rowStart + columns) - 1,
  };
  const target = moves[key];
  if (target === undefined) return null;
  // Past an edge of the grid the focus stays where it is.
  return target >= 0 && target < count ? target : index;
}

/** Props: how many tiles, how to render tile `index`, and the list's accessible name. */
export interface VirtualGridProps {
  count: number;
  label: string;
  class?: string;
  /** Tile `index`; items are keyed by position, so a tile whose content arrives later keeps its focus. */
  renderTile: (index: number) => ComponentChildren;
  /** Told the rendered tiles [first, end) whenever they change, so their content can be loaded. */
  onShow?: (first: number, end: number) => void;
}

/** The windowed grid as a list; each item carries its position in the whole set for assistive technology. */
export function VirtualGrid({
  count,
  label,
  class: className,
  renderTile,
  onShow,
}: VirtualGridProps) {
  const ref = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ width: 0, top: 0, viewport: 0 });
  const current = useRef(view);
  current.current = view;
  // A tile a key press moved to before it was rendered: focused once it is.
  const [pendingFocus, setPendingFocus] = useState<number | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return undefined;
    let frame = 0;
    const measure = (): void => {
      frame = 0;
      const next = {
        width: el.clientWidth,
        top: el.getBoundingClientRect().top,
        viewport: window.innerHeight,
      };
      const prev = current.current;
      const a = gridWindow(count, prev.width, prev.top, prev.viewport);
      const b = gridWindow(count, next.width, next.top, next.viewport);
      if (
        next.width !== prev.width ||
        next.viewport !== prev.viewport ||
        a.firstRow !== b.firstRow ||
        a.endRow !== b.endRow
      )
        setView(next);
    };
    const schedule = (): void => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    const resize = new ResizeObserver(schedule);
    resize.observe(el);
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
    };
  }, [count]);

  const win = gridWindow(count, view.width, view.top, view.viewport);
  const first = win.firstRow * win.columns;
  const end = Math.min(count, win.endRow * win.columns);

  /** Focuses tile `index` if it is rendered; true when it was. */
  const focusTile = (index: number): boolean => {
    const tile =
      ref.current?.querySelector<HTMLElement>(`:scope > li[aria-posinset="${index + 1}"] button`) ??
      null;
    tile?.focus();
    return tile !== null;
  };

  useEffect(() => {
    if (pendingFocus !== null && focusTile(pendingFocus)) setPendingFocus(null);
  });

  useEffect(() => onShow?.(first, end), [first, end, onShow]);

  const onKeyDown = (e: KeyboardEvent): void => {
    const item = (e.target as HTMLElement).closest('li[aria-posinset]');
    if (item === null || e.altKey || e.metaKey || e.shiftKey) return;
    const target = keyTarget(
      e.key,
      e.ctrlKey,
      Number(item.getAttribute('aria-posinset')) - 1,
      count,
      win.columns,
    );
    if (target === null) return;
    e.preventDefault();
    if (focusTile(target)) return;
    // Not rendered: scroll its row into the middle of the viewport, focus it once the window has moved there.
    const row = Math.floor(target / win.columns);
    const gridTop = (ref.current?.getBoundingClientRect().top ?? 0) + window.scrollY;
    window.scrollTo({
      top: gridTop + row * win.rowHeight - (window.innerHeight - win.rowHeight) / 2,
    });
    setPendingFocus(target);
  };
  const tiles: ComponentChildren[] = [];
  for (let i = first; i < end; i++) {
    tiles.push(
      <li key={i} aria-setsize={count} aria-posinset={i + 1}>
        {renderTile(i)}
      </li>,
    );
  }
  return (
    <ul
      ref={ref}
      class={className}
      aria-label={label}
      onKeyDown={onKeyDown}
      style={{
        '--grid-columns': String(win.columns),
        '--grid-gap': `${GAP_PX}px`,
        '--tile-caption': `${CAPTION_PX}px`,
        gridAutoRows: `${Math.max(0, win.rowHeight - GAP_PX)}px`,
        height: `${Math.max(0, win.rows * win.rowHeight - GAP_PX)}px`,
        paddingTop: `${win.firstRow * win.rowHeight}px`,
      }}
    >
      {tiles}
    </ul>
  );
}
