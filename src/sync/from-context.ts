import type { AppContext } from '../context.ts';
import type { GraphEvent } from '../graph/types.ts';
import { checkPublicHandshake } from '../notifications/public-check.ts';
import { createSyncService, type SyncService } from './service.ts';

export interface SyncServiceExtras {
  /** CA certificates to trust besides the system ones (the in-process emulator's). */
  extraCaPem?: string[] | undefined;
  onGraphEvent?: ((e: GraphEvent) => void) | undefined;
  workerId?: string;
}

/** The sync service of a process, configured from its context (config, db, log, clock). */
export function syncServiceFor(ctx: AppContext, extras: SyncServiceExtras = {}): SyncService {
  return createSyncService({
    db: ctx.db,
    log: ctx.log,
    clock: ctx.clock,
    secretBox: ctx.secretBox,
    retentionDays: ctx.config.deactivatedRetentionDays,
    authorityHost: ctx.config.azureAuthorityHost,
    graphEndpoint: ctx.config.graphEndpoint,
    extraCaPem: extras.extraCaPem,
    graphParallelReads: ctx.config.graphParallelReads,
    onGraphEvent: extras.onGraphEvent,
    staleAfterMs: ctx.config.runStaleSeconds * 1000,
    // Read at call time: tests and the demo set the URL once the server listens.
    checkNotifications: () => checkPublicHandshake(ctx.config.notificationBaseUrl),
    ...(extras.workerId ? { workerId: extras.workerId } : {}),
  });
}
