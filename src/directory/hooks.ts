import type { Db } from '../db/schema.ts';

/**
 * Extension points of the directory that other parts plug into. The sync engine uses
 * `afterUserCreated` to link a new platform user to a known Entra user with the same email.
 */
export interface DirectoryHooks {
  /** Called inside the creating transaction, right after the user row is inserted. */
  afterUserCreated?(db: Db, user: { id: string; orgId: string; email: string }): Promise<void>;
}
