/**
 * The windowed grid's geometry, pure (no DOM), so it is tested in Node: which rows a viewport needs, which rows
 * to add to the DOM next, and where an arrow key moves the focus. Rows have a fixed height derived from the
 * same constants the CSS uses (virtual-grid.tsx passes them down as custom properties).
 */
/** Smallest tile width (px): big enough for a thumb, and at least two columns on a phone. */
export const MIN_TILE_PX = 168;
/** Space between tiles (px). */
export const GAP_PX = 12;
/** Height of the caption under the square photo (px): two lines of name plus the SKU. */
export const CAPTION_PX = 76;
/** Extra rendered area above and below the viewport, as a share of its height. */
const OVERSCAN = 0.5;
/** Most rows added to the DOM in one frame (about 20-35 ms of main-thread work each on a POS-class CPU). */
export const ROWS_PER_FRAME = 1;

/** Which rows to render for a grid of `count` tiles, `width` px wide, whose top is `top` px from the viewport's. */
export interface GridWindow {
  columns: number;
  rowHeight: number;
  rows: number;
  firstRow: number;
  endRow: number;
}

/**
 * Computes the window to render (`overscan`: extra height above and below, as a share of the viewport's; 0 for
 * the rows on screen); pure, so scrolling only re-renders when the window really changes.
 */
export function gridWindow(
  count: number,
  width: number,
  top: number,
  viewport: number,
  overscan = OVERSCAN,
): GridWindow {
  const columns = Math.max(1, Math.floor((width + GAP_PX) / (MIN_TILE_PX + GAP_PX)));
  const tile = Math.max(0, (width - GAP_PX * (columns - 1)) / columns);
  const rowHeight = tile + CAPTION_PX + GAP_PX;
  const rows = Math.ceil(count / columns);
  const margin = viewport * overscan;
  const firstRow = Math.min(rows, Math.max(0, Math.floor((-top - margin) / rowHeight)));
  const endRow = Math.min(
    rows,
    Math.max(firstRow, Math.ceil((viewport - top + margin) / rowHeight)),
  );
  return { columns, rowHeight, rows, firstRow, endRow };
}

/** Rows [first, end). */
export interface RowRange {
  first: number;
  end: number;
}

/**
 * The rows to render next: what is rendered and still in the `target` window stays, and at most `budget`
 * rows are added next to it, first toward the `visible` rows, then the overscan below and above. A jump far
 * from what is rendered starts again at the first visible row. Pure; the result is always within `target`.
 */
export function nextRows(
  rendered: RowRange,
  visible: RowRange,
  target: RowRange,
  budget: number,
): RowRange {
  let first = Math.max(rendered.first, target.first);
  let end = Math.min(rendered.end, target.end);
  if (first >= end) {
    first = Math.max(target.first, Math.min(visible.first, target.end));
    end = first;
  }
  for (let left = budget; left > 0; left--) {
    if (end < visible.end) end++;
    else if (first > visible.first) first--;
    else if (end < target.end) end++;
    else if (first > target.first) first--;
    else break;
  }
  return { first, end };
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
