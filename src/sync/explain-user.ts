import type { Db } from '../db/schema.ts';
import { findIntegrationRow } from '../integrations/repository.ts';
import { findMirrorRow } from './mirror/mirror-repo.ts';
import { loadConfig } from './reconcile/config.ts';
import { explain, type SyncExplanation } from './reconcile/explain.ts';
import { parseStoredEntraUser } from './stored-entra-user.ts';

/**
 * SPEC §5.15: why a synced user is placed or unassigned, from its mirror row and the current
 * configuration. Null for a user no integration links (or whose Entra user is not mirrored).
 */
export async function explainUser(
  db: Db,
  source: { integrationId: string; externalId: string } | null,
): Promise<SyncExplanation | null> {
  if (!source) return null;
  const integration = await findIntegrationRow(db, source.integrationId);
  const row = await findMirrorRow(db, source.integrationId, source.externalId);
  if (!integration || !row) return null;
  const user = parseStoredEntraUser(row.data);
  if (!user) return null;
  return explain(
    integration.id,
    user,
    row.removed,
    row.changedAt,
    await loadConfig(db, integration),
    row.inScope,
  );
}
