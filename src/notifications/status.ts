import type { Db } from '../db/schema.ts';
import type { IntegrationRecord } from '../integrations/repository.ts';
import type { NearRealTimeStatus } from '../integrations/view.ts';
import { nearRealTimeStatus } from './decide.ts';
import { findSubscriptionRecords } from './subscriptions-repo.ts';

/** Near-real-time state of each integration, for the integration page and the API. */
export async function nearRealTimeStatuses(
  db: Db,
  integrations: readonly IntegrationRecord[],
  baseUrl: URL | undefined,
): Promise<Map<string, NearRealTimeStatus>> {
  const rows = await findSubscriptionRecords(
    db,
    integrations.filter((i) => i.nearRealTime).map((i) => i.id),
  );
  return new Map(
    integrations.map((i) => [
      i.id,
      nearRealTimeStatus({
        nearRealTime: i.nearRealTime,
        enabled: i.enabled,
        available: baseUrl !== undefined,
        row: rows.get(i.id),
      }),
    ]),
  );
}
