import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * API tokens for automation and the audit log (issue 15).
 *
 * `api_tokens` holds only the SHA-256 of each token (tokens are 32 random bytes, so a fast
 * hash is enough: there is nothing to brute-force). `created_by` is set null when that
 * administrator is removed: a script's token belongs to the organisation, not to a person.
 *
 * `audit_log` ids are UUIDv7, so ordering by id is ordering by time: the listing pages by id
 * and the retention purge deletes by `occurred_at`. `org_id` is null only for failed sign-ins
 * with an email no administrator has (kept for the operator, never listed by the API).
 */
export function apiTokensAudit() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.references('admins.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('last_used_ip', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_tokens_org').on('api_tokens').column('org_id').execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_label', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_org_id')
        .on('audit_log')
        .columns(['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_log_occurred')
        .on('audit_log')
        .column('occurred_at')
        .execute();
    },
  };
}
