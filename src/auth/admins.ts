import { newId } from '../db/ids.ts';
import type { Db } from '../db/schema.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { normaliseEmail } from '../directory/email.ts';
import { ensureOrganization } from '../directory/organizations.ts';
import { isUniqueViolation } from '../directory/db-errors.ts';
import { withTransaction } from '../directory/transaction.ts';
import type { Organization } from '../directory/types.ts';
import { hashPassword, type ScryptParams } from './password.ts';

export interface Admin {
  id: string;
  orgId: string;
  email: string;
}

export interface CreateAdminInput {
  /** Organisation name; created when missing. */
  org: string;
  email: string;
  password: string;
}

export interface CreateAdminResult {
  organization: Organization;
  organizationCreated: boolean;
  admin: Admin;
}

/**
 * Creates a platform administrator, and the organisation when it does not exist yet.
 * Login emails are unique across the service (409 `admin_exists`). The password is only
 * hashed, never stored or returned.
 */
export async function createAdmin(
  db: Db,
  input: CreateAdminInput,
  options: { now?: Date; scrypt?: ScryptParams } = {},
): Promise<CreateAdminResult> {
  const now = options.now ?? new Date();
  const email = normaliseEmail(input.email);
  const org = input.org.trim();
  const issues = [
    ...(org === '' ? [{ field: 'org', message: 'must not be empty' }] : []),
    ...(!/^[^\s@]+@[^\s@]+$/.test(email)
      ? [{ field: 'email', message: 'not an email address' }]
      : []),
    ...(input.password.length < 8 ? [{ field: 'password', message: 'at least 8 characters' }] : []),
  ];
  if (issues.length > 0) throw new ValidationError('Cannot create the administrator', issues);
  // Hash before the transaction: it takes tens of milliseconds and needs no lock.
  const passwordHash = await hashPassword(input.password, options.scrypt);
  return withTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('admins')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing)
      throw new ConflictError('admin_exists', `An administrator ${email} already exists`);
    const { organization, created } = await ensureOrganization(trx, org, now);
    const admin: Admin = { id: newId(), orgId: organization.id, email };
    try {
      await trx
        .insertInto('admins')
        .values({
          id: admin.id,
          org_id: organization.id,
          email,
          password_hash: passwordHash,
          created_at: now.toISOString(),
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError('admin_exists', `An administrator ${email} already exists`);
      }
      throw err;
    }
    return { organization, organizationCreated: created, admin };
  });
}

/** The administrator with this login email and its password hash, or undefined. */
export async function findAdminByEmail(
  db: Db,
  email: string,
): Promise<(Admin & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('admins')
    .select(['id', 'org_id', 'email', 'password_hash'])
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst();
  return row
    ? { id: row.id, orgId: row.org_id, email: row.email, passwordHash: row.password_hash }
    : undefined;
}
