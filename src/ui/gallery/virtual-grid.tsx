/**
 * A windowed grid: only the rows near the viewport are in the DOM, so 10,000 tiles scroll smoothly. Rows
 * have a fixed height derived from the same constants the CSS uses (passed down as custom properties), so
 * the grid can place any row without measuring tiles and nothing shifts as images arrive. Scrolling is the
 * page's own, which keeps the browser's focus-scrolling and touch behaviour. Arrow keys move between
 * tiles (Home/End within the row, Ctrl+Home/End to the first/last tile), also to tiles not rendered yet.
 * New rows enter the DOM a few per frame, the visible ones first: a whole screen of new tiles in one frame was
 * a main-thread task of 60-190 ms on a two-core terminal (setting the tiles' properties, then style, layout
 * and paint), which a kiosk feels as a stuck scroll or tap.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  CAPTION_PX,
  GAP_PX,
  gridWindow,
  keyTarget,
  nextRows,
  ROWS_PER_FRAME,
  type RowRange,
} from './grid-window';

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
  // Rows in the DOM: they grow toward the window a few per frame (see nextRows).
  const [rows, setRows] = useState<RowRange>({ first: 0, end: 0 });
  const win = gridWindow(count, view.width, view.top, view.viewport);
  const target = { first: win.firstRow, end: win.endRow };
  const vis = gridWindow(count, view.width, view.top, view.viewport, 0);
  const visible = { first: vis.firstRow, end: vis.endRow };
  const windows = useRef({ visible, target });
  windows.current = { visible, target };
  const shown = nextRows(rows, visible, target, 0);
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
      ) {
        setView(next);
        // The first rows of the new window come in this frame, the rest in the next ones.
        const v = gridWindow(count, next.width, next.top, next.viewport, 0);
        setRows((r) =>
          nextRows(
            r,
            { first: v.firstRow, end: v.endRow },
            { first: b.firstRow, end: b.endRow },
            ROWS_PER_FRAME,
          ),
        );
      }
    };
    const schedule = (): void => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    // Measured when the observer reports (after the frame's layout, and first in the first frame), not here:
    // reading the size now would force the page's first layout inside the script's task (40 ms at start-up).
    const resize = new ResizeObserver(measure);
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

  // Until the rows in the DOM are the window's, one more step each frame.
  useLayoutEffect(() => {
    if (shown.first === target.first && shown.end === target.end) return undefined;
    const frame = requestAnimationFrame(() =>
      setRows((r) => nextRows(r, windows.current.visible, windows.current.target, ROWS_PER_FRAME)),
    );
    return () => cancelAnimationFrame(frame);
  });

  // The pages of the whole window are asked for at once, so rows entering later find their products loaded.
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
  for (let i = shown.first * win.columns; i < Math.min(count, shown.end * win.columns); i++) {
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
        paddingTop: `${shown.first * win.rowHeight}px`,
      }}
    >
      {tiles}
    </ul>
  );
}
