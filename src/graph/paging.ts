import type { GraphGet, GraphJson } from './graph-request.ts';

/** Event-loop turns given to a read-ahead request to leave (see `pages`). */
const SEND_TURNS = 3;

/** How one paged read runs. */
export interface PagesOptions<T> {
  /** Turns a page's JSON into the caller's page type (throws on a malformed envelope). */
  parse: (res: GraphJson) => T;
  /** Sent with every page, not only the first (Graph requires it for ConsistencyLevel). */
  headers?: Record<string, string> | undefined;
  /** Request page N+1 while the consumer works on page N. */
  prefetch?: boolean | undefined;
}

/**
 * The one paging loop: GETs `firstUrl`, then follows each page's `nextLink` verbatim until
 * there is none. With `prefetch`, the next page is already on its way while the consumer
 * works; a failure of that read-ahead surfaces when the consumer asks for that page. A
 * consumer that stops early cancels the read-ahead.
 */
export async function* pages<T extends { nextLink: string | null }>(
  get: GraphGet,
  firstUrl: string,
  options: PagesOptions<T>,
): AsyncGenerator<T, void, undefined> {
  const controller = new AbortController();
  const fetchPage = async (url: string): Promise<T> =>
    options.parse(await get(url, { headers: options.headers, signal: controller.signal }));
  try {
    let pending: Promise<T> | null = fetchPage(firstUrl);
    while (pending) {
      const page: T = await pending;
      pending = null;
      const next = page.nextLink;
      if (next !== null && options.prefetch) {
        pending = fetchPage(next);
        // Handled later when awaited; this only keeps Node from reporting it meanwhile.
        pending.catch(() => undefined);
        // A few turns of the event loop, so the request has left before the consumer's work
        // begins: on SQLite that work is synchronous and held the request back until the page
        // was written, so each page's latency added to its work instead of overlapping it
        // (20,000 users at 300 ms per request: 1.45x the floor, 1.03-1.06x with this). Undici
        // writes a request on the second turn here (measured); three leave a margin.
        for (let turn = 0; turn < SEND_TURNS; turn++) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      yield page;
      if (next !== null && !options.prefetch) pending = fetchPage(next);
    }
  } finally {
    controller.abort();
  }
}
