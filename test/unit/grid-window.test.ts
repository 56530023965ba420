/**
 * The windowed grid's geometry: which rows to add to the DOM next. A screen of new tiles in one frame was a
 * main-thread task of 60-190 ms on the bench's two cores, so rows come at most ROWS_PER_FRAME a frame, the
 * visible ones first, and always within the window.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  gridWindow,
  nextRows,
  ROWS_PER_FRAME,
  type RowRange,
} from '../../src/ui/gallery/grid-window';

/** Steps nextRows until it stops changing; answers every range it passed through. */
function grow(from: RowRange, visible: RowRange, target: RowRange, budget: number): RowRange[] {
  const steps = [from];
  for (let i = 0; i < 1000; i++) {
    const next = nextRows(steps.at(-1)!, visible, target, budget);
    const last = steps.at(-1)!;
    if (next.first === last.first && next.end === last.end) return steps;
    steps.push(next);
  }
  throw new Error('nextRows never settled');
}

describe('grid window', () => {
  it('renders no overscan when asked for the visible rows only', () => {
    // 1,292 px wide: 7 columns of 168 px tiles; rows of 261.4 px; a 720 px viewport from the grid's top.
    const all = gridWindow(10_000, 1292, 0, 720);
    const visible = gridWindow(10_000, 1292, 0, 720, 0);
    assert.equal(all.columns, 7);
    assert.deepEqual([visible.firstRow, visible.endRow], [0, 3]);
    assert.ok(all.endRow > visible.endRow);
  });

  it('adds at most the budget of rows per step, the visible rows first, and ends at the window', () => {
    const visible = { first: 10, end: 13 };
    const target = { first: 8, end: 15 };
    const steps = grow({ first: 0, end: 0 }, visible, target, ROWS_PER_FRAME);
    const last = steps.at(-1)!;
    assert.deepEqual(last, target);
    for (let i = 1; i < steps.length; i++) {
      const added =
        steps[i]!.end - steps[i]!.first - (i === 1 ? 0 : steps[i - 1]!.end - steps[i - 1]!.first);
      assert.ok(added <= ROWS_PER_FRAME, `step ${i} added ${added} rows`);
    }
    // Every visible row is in the DOM before any overscan row.
    const covering = steps.findIndex((r) => r.first <= visible.first && r.end >= visible.end);
    const step = steps[covering]!;
    assert.deepEqual(step, visible);
  });

  it('keeps the rendered rows still in the window and drops the rest at once', () => {
    assert.deepEqual(
      nextRows({ first: 0, end: 6 }, { first: 3, end: 6 }, { first: 2, end: 8 }, 0),
      {
        first: 2,
        end: 6,
      },
    );
  });

  it('starts again at the first visible row after a jump far from what is rendered', () => {
    assert.deepEqual(
      nextRows({ first: 0, end: 6 }, { first: 100, end: 103 }, { first: 98, end: 105 }, 1),
      {
        first: 100,
        end: 101,
      },
    );
  });

  it('stays within a window that shrank below what is rendered', () => {
    const r = nextRows({ first: 40, end: 46 }, { first: 0, end: 1 }, { first: 0, end: 2 }, 5);
    assert.deepEqual(r, { first: 0, end: 2 });
  });
});
