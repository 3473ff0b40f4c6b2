import type { Db, MatchField } from '../db/schema.ts';
import { findIntegrationRow } from '../integrations/repository.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { EntraUser } from './entra-user.ts';
import { dataPage, mirrorHasRows } from './mirror/mirror-repo.ts';
import { loadConfig } from './reconcile/config.ts';
import {
  addPreviewUser,
  finishPreview,
  outOfScope,
  startPreview,
  type FieldPreview,
} from './reconcile/field-preview.ts';
import { parseStoredEntraUser } from './stored-entra-user.ts';

/** Users read from Graph for an integration that has not synced yet (SPEC §5.15). */
export const GRAPH_SAMPLE_SIZE = 5_000;
const MIRROR_PAGE = 2_000;

/** A field preview and where its users came from. */
export interface FieldPreviewResult extends FieldPreview {
  source: 'mirror' | 'graph-sample';
  /** True when the Graph sample stopped at {@link GRAPH_SAMPLE_SIZE} users. */
  sampled: boolean;
}

/** Reads up to `max` Entra users of an integration from Graph (the sync service does it). */
export type SampleReader = (max: number) => Promise<EntraUser[]>;

/**
 * The field preview of an integration for the chosen fields: from its mirror once it has
 * synced (paged through, so memory does not grow with the tenant), otherwise from the first
 * {@link GRAPH_SAMPLE_SIZE} users read from Graph with its saved credentials.
 */
export async function fieldPreview(
  db: Db,
  orgId: string,
  integrationId: string,
  fields: { unitField: MatchField; userTypeField: MatchField },
  readSample: SampleReader,
): Promise<FieldPreviewResult> {
  const integration = await findIntegrationRow(db, integrationId, orgId);
  if (!integration) throw new NotFoundError('Integration');
  if (fields.unitField === fields.userTypeField) {
    throw new ValidationError('The user type field must differ from the unit field', [
      { field: 'userTypeField', message: 'must differ from the unit field' },
    ]);
  }
  // Units and user types as they are now; the settings' scope options, the chosen fields.
  const config = await loadConfig(db, integration);
  const tally = startPreview(fields.unitField, fields.userTypeField);
  const add = (u: EntraUser) => {
    if (!outOfScope(u, config.settings)) addPreviewUser(tally, u, config);
  };
  if (await mirrorHasRows(db, integration.id)) {
    let after = '';
    for (;;) {
      const page = await dataPage(db, integration.id, 'present', after, MIRROR_PAGE);
      for (const row of page) {
        const user = parseStoredEntraUser(row.data);
        if (user) add(user);
      }
      const last = page[page.length - 1];
      if (!last || page.length < MIRROR_PAGE) break;
      after = last.externalId;
    }
    return { ...finishPreview(tally, config), source: 'mirror', sampled: false };
  }
  const sample = await readSample(GRAPH_SAMPLE_SIZE);
  for (const u of sample) add(u);
  return {
    ...finishPreview(tally, config),
    source: 'graph-sample',
    sampled: sample.length >= GRAPH_SAMPLE_SIZE,
  };
}
