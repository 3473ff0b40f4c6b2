import type { GroupDeltaPage, GroupDeltaStart, InvalidEntry } from '../graph/types.ts';
import type { EntraUser } from './entra-user.ts';

/** One page of Entra users as the engine consumes it, whatever endpoint produced it. */
export interface SourcePage {
  users: EntraUser[];
  removed: { id: string; reason: 'changed' | 'deleted' }[];
  /** Entries Graph sent malformed: reported per user, never read as a removal. */
  invalid: InvalidEntry[];
  /** Present on the last page of a round: where the next incremental run starts. */
  deltaLink: string | null;
  /**
   * The pages before this one no longer count: the source reads its round again from the
   * start (a parallel full listing whose count did not add up). The engine forgets the
   * round's progress and "seen" marks before writing this page.
   */
  restart?: boolean | undefined;
  /** Something the run's notes must say about how this round was read. */
  note?: string | undefined;
}

/**
 * Where a run reads Entra users from. The Graph client implements it (graph-source.ts);
 * keeping the engine on this narrow interface keeps it testable against any source.
 */
export interface UserSource {
  /** Every user, ending with a delta link that catches changes made while enumerating. */
  full(): AsyncIterable<SourcePage>;
  /** Changes since a stored delta link; throws ResyncRequiredError when it expired. */
  incremental(deltaLink: string): AsyncIterable<SourcePage>;
  /** A round of group membership changes (group scope); throws ResyncRequiredError on 410. */
  groupMembers(start: GroupDeltaStart): AsyncIterable<GroupDeltaPage>;
}
