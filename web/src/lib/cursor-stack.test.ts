import { describe, expect, it } from 'vitest';
import { currentCursor, FIRST_PAGE, pageNumber, popCursor, pushCursor } from './cursor-stack.ts';

describe('cursor stack', () => {
  it('goes forward and back through pages', () => {
    const two = pushCursor(FIRST_PAGE, 'c2');
    const three = pushCursor(two, 'c3');
    expect(currentCursor(FIRST_PAGE)).toBeNull();
    expect(currentCursor(three)).toBe('c3');
    expect(pageNumber(three)).toBe(3);
    expect(currentCursor(popCursor(three))).toBe('c2');
    expect(currentCursor(popCursor(popCursor(three)))).toBeNull();
  });

  it('stays on the first page when going back from it', () => {
    expect(popCursor(FIRST_PAGE)).toEqual([null]);
  });
});
