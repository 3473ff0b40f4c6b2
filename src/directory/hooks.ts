import type { Db } from '../db/schema.ts';

/**
 * Extension points of the directory that other parts plug into (the sync engine: see
 * sync/link-on-create.ts). The directory never imports the sync.
 */
export interface DirectoryHooks {
  /** Called inside the creating transaction, right after the user row is inserted. */
  afterUserCreated?(db: Db, user: { id: string; orgId: string; email: string }): Promise<void>;
  /**
   * Called after an administrator changed one user in a way the sync must look at again:
   * email, reactivation, manual memberships.
   */
  afterUserChanged?(db: Db, user: { id: string; orgId: string }): Promise<void>;
  /**
   * Called after a change to what the mapping reads (units, user types, integration
   * settings) has been committed, so the directory can be reconciled at once.
   */
  afterConfigChanged?(orgId: string): Promise<void>;
}
