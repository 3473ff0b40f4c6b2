import { GraphError, isCredentialError } from '../graph/errors.ts';
import type { GraphClient, UsersPage } from '../graph/types.ts';
import { UPN_FIRST_CHARACTERS } from '../graph/upn-partitions.ts';
import { mergeBounded } from './merge-pages.ts';
import type { SourcePage } from './user-source.ts';

/** A promise's outcome as a value. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * The enumeration of a full round (after its delta link was taken).
 *
 * Against a real tenant a sequential listing is bound by Graph's latency (a page of 999
 * users at a time, hundreds of ms each). With `parallelReads` > 1 the directory is read as
 * disjoint partitions, one per possible first character of the UPN
 * (graph/upn-partitions.ts), up to `parallelReads` of them at once, their pages merged into
 * the engine's one write loop (merge-pages.ts).
 *
 * Coverage is proven, not assumed: `count` is `GET /users/$count`, taken before the
 * listing. When the partitions enumerated a different number of users (a UPN outside the
 * documented characters, users created or deleted meanwhile, a lagging count) the round
 * reads the directory again in one sequential listing, marked `restart` so the engine
 * forgets the partial round; when the count itself failed it reads sequentially from the
 * start. Either way the run's notes say so.
 */
export async function* fullListing(
  client: GraphClient,
  parallelReads: number,
  count: Settled<number> | null,
  /** Directories smaller than this are read in one listing (graph-source.ts). */
  fromUsers = 0,
): AsyncGenerator<SourcePage> {
  if (parallelReads <= 1 || count === null || (count.ok && count.value < fromUsers)) {
    yield* sequential(client);
    return;
  }
  if (!count.ok) {
    // Wrong credentials or a bug would fail the listing as well: report them as such.
    const err = count.error;
    if (!(err instanceof GraphError)) throw err;
    const reason = err.message;
    if (isCredentialError(err)) throw err;
    yield* sequential(client, {
      note: `Microsoft Graph could not count the users (${reason}): they were read in one sequential listing instead of in parallel.`,
    });
    return;
  }
  const partitions = UPN_FIRST_CHARACTERS.map(
    (first) => () => client.listUsers({ prefetch: true, upnStartsWith: first }),
  );
  let enumerated = 0;
  for await (const page of mergeBounded(partitions, parallelReads)) {
    enumerated += page.users.length + page.invalid.length;
    yield toSourcePage(page);
  }
  if (enumerated === count.value) return;
  yield* sequential(client, {
    restart: true,
    note: `The parallel listing by first character of the user principal name returned ${enumerated} users where Microsoft Graph counted ${count.value}: the users were read again in one sequential listing.`,
  });
}

/** The whole directory in one listing; `first` is merged into its first page. */
async function* sequential(
  client: GraphClient,
  first: Pick<SourcePage, 'restart' | 'note'> = {},
): AsyncGenerator<SourcePage> {
  let extra: Pick<SourcePage, 'restart' | 'note'> = first;
  for await (const page of client.listUsers({ prefetch: true })) {
    yield { ...toSourcePage(page), ...extra };
    extra = {};
  }
}

function toSourcePage(page: UsersPage): SourcePage {
  return { users: page.users, removed: [], invalid: page.invalid, deltaLink: null };
}
