import { GraphError, ResyncRequiredError, isCredentialError } from '../graph/errors.ts';
import type { GraphClient } from '../graph/types.ts';
import { AppError } from '../errors.ts';
import type { FailureInfo } from './engine.ts';
import type { SourcePage, UserSource } from './user-source.ts';

/**
 * Adapts the Graph client to the engine. A full round takes a "from now" delta link first,
 * then enumerates `/users` in pages of 999 (five times fewer requests than the delta round's
 * server-chosen pages); changes made while enumerating are caught by the next incremental
 * run from that link.
 */
export function graphUserSource(client: GraphClient): UserSource {
  return {
    async *full(): AsyncGenerator<SourcePage> {
      const deltaLink = await client.latestDeltaLink();
      for await (const page of client.listUsers({ prefetch: true })) {
        yield { users: page.users, removed: [], invalid: page.invalid, deltaLink: null };
      }
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
