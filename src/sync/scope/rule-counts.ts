import type { Db } from '../../db/schema.ts';
import type { ExclusionRule } from '../../integrations/exclusion-rules.ts';
import type { EntraUser } from '../entra-user.ts';
import { liveMirrorBatch } from '../mirror/mirror-repo.ts';
import { parseStoredEntraUser } from '../stored-entra-user.ts';
import { matchingRule } from './exclusion-rules.ts';

/** How many users exclusion rules would take out of scope, per rule and in all. */
export interface RuleCounts {
  /** Per rule, in order: Entra users it matches, and how many of them are active platform users. */
  rules: { matched: number; active: number }[];
  /** Entra users any rule matches. */
  matched: number;
  /** Active platform users any rule matches: the deactivations saving the rules would cause. */
  wouldDeactivate: number;
}

/** Pure: adds one user to the counts. */
export function tallyUser(
  counts: RuleCounts,
  user: EntraUser,
  activeUser: boolean,
  rules: readonly ExclusionRule[],
): void {
  let any = false;
  rules.forEach((rule, i) => {
    if (matchingRule(user, [rule]) === null) return;
    any = true;
    const c = counts.rules[i];
    if (!c) return;
    c.matched += 1;
    if (activeUser) c.active += 1;
  });
  if (any) {
    counts.matched += 1;
    if (activeUser) counts.wouldDeactivate += 1;
  }
}

/**
 * Counts over the mirror (no Graph request), before the rules are saved, so the panel can say
 * "this rule removes 42 users" first. Guests and disabled accounts are counted like anyone:
 * the counts answer "whom does the rule match", not "who is in scope today".
 */
export async function countRuleMatches(
  db: Db,
  integrationId: string,
  rules: readonly ExclusionRule[],
): Promise<RuleCounts> {
  const counts: RuleCounts = {
    rules: rules.map(() => ({ matched: 0, active: 0 })),
    matched: 0,
    wouldDeactivate: 0,
  };
  let after = '';
  for (;;) {
    const batch = await liveMirrorBatch(db, integrationId, after, 1000);
    if (!batch.length) return counts;
    for (const row of batch) {
      const user = parseStoredEntraUser(row.data);
      if (user) tallyUser(counts, user, row.activeUser, rules);
    }
    after = batch[batch.length - 1]?.externalId ?? after;
  }
}
