/**
 * Cursor paging with Previous: the API only knows "next", so the panel remembers the
 * cursor of every page it came through. The first page's cursor is null.
 */
export type CursorStack = readonly (string | null)[];

export const FIRST_PAGE: CursorStack = [null];

/** The cursor of the page on screen. */
export function currentCursor(stack: CursorStack): string | null {
  return stack[stack.length - 1] ?? null;
}

/** After "Next": the page the server's nextCursor points at. */
export function pushCursor(stack: CursorStack, nextCursor: string): CursorStack {
  return [...stack, nextCursor];
}

/** After "Previous": the page before; the first page stays the first page. */
export function popCursor(stack: CursorStack): CursorStack {
  return stack.length > 1 ? stack.slice(0, -1) : stack;
}

/** 1-based number of the page on screen. */
export function pageNumber(stack: CursorStack): number {
  return stack.length;
}
