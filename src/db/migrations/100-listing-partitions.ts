import { sql, type Kysely } from 'kysely';
import type { DialectKind } from '../connect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * The (status, assigned) partitions of the users list (issue 17). The list reads each
 * partition as its own id-ordered range; a search or unit filter used to be tested on every
 * row of the range, so a partition holding no match was read to its end (250–1,000 ms on
 * 1,000,000 users). These indexes carry the partition with the filter, so an empty partition
 * costs an index probe:
 * - search: one trigram index per partition (SQLite: four FTS5 trigram tables kept by
 *   triggers, replacing the single `users_search`; PostgreSQL: four partial pg_trgm GIN
 *   indexes replacing `users_search_trgm`, when the extension can be created);
 * - unit filter: every membership carries its user's status and assigned flag, kept by
 *   triggers, with the index (unit_id, user_status, user_assigned, user_id) replacing
 *   `memberships_unit`, so a partition's members of a unit are an id-ordered index range.
 */
export const LISTING_PARTITIONS = [
  { suffix: 'a0', status: 'active', assigned: 0 },
  { suffix: 'a1', status: 'active', assigned: 1 },
  { suffix: 'd0', status: 'deactivated', assigned: 0 },
  { suffix: 'd1', status: 'deactivated', assigned: 1 },
] as const;

export function listingPartitions(dialect: DialectKind) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('memberships')
        .addColumn('user_status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
      await db.schema
        .alterTable('memberships')
        .addColumn('user_assigned', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      if (dialect === 'sqlite') await sqliteUp(db);
      else await postgresUp(db);
      await db.schema.dropIndex('memberships_unit').execute();
      await db.schema
        .createIndex('memberships_unit_listing')
        .on('memberships')
        .columns(['unit_id', 'user_status', 'user_assigned', 'user_id'])
        .execute();
    },
  };
}

async function sqliteUp(db: Kysely<any>): Promise<void> {
  await sql`update memberships set
      user_status = (select status from users where users.id = memberships.user_id),
      user_assigned = (select assigned from users where users.id = memberships.user_id)`.execute(
    db,
  );
  // A membership takes its user's partition when inserted (the defaults fit most inserts, so
  // the update only runs for the others) and when moved to another user.
  await sql`create trigger memberships_partition_insert after insert on memberships
    when new.user_status is not (select status from users where id = new.user_id)
      or new.user_assigned is not (select assigned from users where id = new.user_id)
    begin
      update memberships set
        user_status = (select status from users where id = new.user_id),
        user_assigned = (select assigned from users where id = new.user_id)
      where id = new.id;
    end`.execute(db);
  await sql`create trigger memberships_partition_move after update of user_id on memberships
    begin
      update memberships set
        user_status = (select status from users where id = new.user_id),
        user_assigned = (select assigned from users where id = new.user_id)
      where id = new.id;
    end`.execute(db);
  // A user changing partition moves its memberships along (the WHEN spares the writes that
  // list `assigned` without changing it, as the sync does).
  await sql`create trigger users_partition_memberships after update of status, assigned on users
    when new.status is not old.status or new.assigned is not old.assigned
    begin
      update memberships set user_status = new.status, user_assigned = new.assigned
      where user_id = new.id;
    end`.execute(db);

  // Search: one FTS5 trigram table per partition instead of one for everybody.
  await sql`drop trigger users_search_insert`.execute(db);
  await sql`drop trigger users_search_delete`.execute(db);
  await sql`drop trigger users_search_update`.execute(db);
  await sql`drop table users_search`.execute(db);
  const inserts: string[] = [];
  const deletes: string[] = [];
  for (const p of LISTING_PARTITIONS) {
    const table = `users_search_${p.suffix}`;
    // External content: the text stays in `users`; never 'rebuild' these (it would index
    // every user, not the partition's).
    await sql
      .raw(
        `create virtual table ${table} using fts5(search_key, content='users', content_rowid='rowid', tokenize='trigram')`,
      )
      .execute(db);
    await sql
      .raw(
        `insert into ${table}(rowid, search_key) select rowid, search_key from users where status = '${p.status}' and assigned = ${p.assigned}`,
      )
      .execute(db);
    inserts.push(
      `insert into ${table}(rowid, search_key) select new.rowid, new.search_key where new.status = '${p.status}' and new.assigned = ${p.assigned};`,
    );
    deletes.push(
      `insert into ${table}(${table}, rowid, search_key) select 'delete', old.rowid, old.search_key where old.status = '${p.status}' and old.assigned = ${p.assigned};`,
    );
  }
  await sql
    .raw(`create trigger users_search_insert after insert on users begin ${inserts.join(' ')} end`)
    .execute(db);
  await sql
    .raw(`create trigger users_search_delete after delete on users begin ${deletes.join(' ')} end`)
    .execute(db);
  // Old entry out of its partition's table first, then the new one in: one trigger, so the
  // order is fixed.
  await sql
    .raw(
      `create trigger users_search_update after update of status, assigned, search_key on users
       when new.status is not old.status or new.assigned is not old.assigned or new.search_key is not old.search_key
       begin ${deletes.join(' ')} ${inserts.join(' ')} end`,
    )
    .execute(db);
}

async function postgresUp(db: Kysely<any>): Promise<void> {
  await sql`update memberships m set user_status = u.status, user_assigned = u.assigned
    from users u where u.id = m.user_id
      and (m.user_status <> u.status or m.user_assigned <> u.assigned)`.execute(db);
  // FOR SHARE: a user's partition change committing meanwhile waits for (or is waited for
  // by) this insert, so the membership never keeps a partition its user has left.
  await sql`create function memberships_partition() returns trigger language plpgsql as $$
    begin
      select status, assigned into new.user_status, new.user_assigned
        from users where id = new.user_id for share;
      return new;
    end $$`.execute(db);
  await sql`create trigger memberships_partition before insert or update of user_id on memberships
    for each row execute function memberships_partition()`.execute(db);
  await sql`create function users_partition_memberships() returns trigger language plpgsql as $$
    begin
      update memberships set user_status = new.status, user_assigned = new.assigned
        where user_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger users_partition_memberships after update of status, assigned on users
    for each row when (new.status is distinct from old.status or new.assigned is distinct from old.assigned)
    execute function users_partition_memberships()`.execute(db);

  // Search: four partial trigram indexes instead of one, when pg_trgm is there (030 created
  // it if the role could; without it the list scans, as before).
  const trgm = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_extension where extname = 'pg_trgm'`.execute(db);
  if (!trgm.rows[0]?.n) return;
  await sql`drop index if exists users_search_trgm`.execute(db);
  for (const p of LISTING_PARTITIONS) {
    await sql
      .raw(
        `create index users_search_trgm_${p.suffix} on users using gin (search_key gin_trgm_ops) where status = '${p.status}' and assigned = ${p.assigned}`,
      )
      .execute(db);
  }
}
