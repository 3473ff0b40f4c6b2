import { GraphError, ResyncRequiredError, isCredentialError } from '../graph/errors.ts';
import type { GraphClient } from '../graph/types.ts';
import { AppError } from '../errors.ts';
import type { FailureInfo } from './engine.ts';
import { fullListing, type Settled } from './full-listing.ts';
import type { SourcePage, UserSource } from './user-source.ts';

/** How a Graph-backed source reads. */
export interface GraphSourceOptions {
  /**
   * UPN partitions a full round reads at once (GRAPH_PARALLEL_READS, default 4); 1 reads
   * `/users` in one sequential listing.
   */
  parallelReads?: number | undefined;
  /**
   * The smallest directory read in partitions (default {@link PARALLEL_FROM_USERS}): below
   * it one sequential listing needs fewer rounds of requests than 44 partitions.
   */
  parallelFromUsers?: number | undefined;
}

export const DEFAULT_PARALLEL_READS = 4;

/**
 * 44 partitions cost at least 44 requests (one per empty partition), read `parallelReads` at
 * a time, against one request per 999 users read one after the other: with 4 at once they
 * pay off from about 15 pages. Small directories keep the one listing (and its 1–15 requests).
 */
export const PARALLEL_FROM_USERS = 15_000;

/**
 * Adapts the Graph client to the engine. A full round takes a "from now" delta link first,
 * then enumerates `/users` in pages of 999 (five times fewer requests than the delta round's
 * server-chosen pages); changes made while enumerating are caught by the next incremental
 * run from that link. With parallel reads, the enumeration is split by the first character
 * of the UPN (full-listing.ts).
 */
export function graphUserSource(client: GraphClient, options: GraphSourceOptions = {}): UserSource {
  const parallelReads = options.parallelReads ?? DEFAULT_PARALLEL_READS;
  return {
    async *full(): AsyncGenerator<SourcePage> {
      const [deltaLink, count] = await Promise.all([
        client.latestDeltaLink(),
        parallelReads > 1 ? settle(client.countUsers()) : null,
      ]);
      yield* fullListing(
        client,
        parallelReads,
        count,
        options.parallelFromUsers ?? PARALLEL_FROM_USERS,
      );
      yield { users: [], removed: [], invalid: [], deltaLink };
    },
    groupMembers: (start) => client.groupMembersDelta(start),
    async *incremental(link: string): AsyncGenerator<SourcePage> {
      for await (const page of client.deltaUsers({ deltaLink: link }, { prefetch: true })) {
        yield {
          users: page.users,
          removed: page.removed,
          invalid: page.invalid,
          deltaLink: page.deltaLink,
        };
      }
    },
  };
}

/** A promise's outcome as a value, so a failed count never goes unhandled. */
async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/** How the engine reads a failure: Graph's own codes, our AppErrors, and bugs. */
export function classifyFailure(err: unknown): FailureInfo {
  if (err instanceof ResyncRequiredError) {
    return { code: err.code, message: err.message, credential: false, resync: true };
  }
  if (err instanceof GraphError) {
    const ref = err.requestId ? ` (request-id ${err.requestId})` : '';
    return {
      code: err.code,
      message: err.message + ref,
      credential: isCredentialError(err),
      resync: false,
    };
  }
  if (err instanceof AppError)
    return { code: err.code, message: err.message, credential: false, resync: false };
  return {
    code: 'internal',
    message: 'The synchronisation stopped on an internal error; it is logged for the operators',
    credential: false,
    resync: false,
  };
}
