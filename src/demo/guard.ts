import type { Config } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { DEMO_ORG } from './seed.ts';

/**
 * `demo` creates an administrator whose password it prints, and an integration pointing at a
 * fake tenant: never in a database that serves real organisations. Checked before anything
 * is migrated or written. A database without our tables yet, or holding only the demo's own
 * organisation, is fine. (The SQLite default is the demo's own folder and always fine.)
 */
export async function assertDemoDatabase(database: Config['database']): Promise<void> {
  if (database.kind !== 'postgres') return;
  const handle = openDatabase(database);
  try {
    const other = await handle.db
      .selectFrom('organizations')
      .select('name')
      .where('name', '<>', DEMO_ORG)
      .limit(1)
      .executeTakeFirst()
      .catch((err: unknown) => {
        // 42P01 undefined_table: a fresh database.
        if ((err as { code?: unknown }).code === '42P01') return undefined;
        throw err;
      });
    if (other) {
      throw new Error(
        `demo refuses this PostgreSQL database: it already holds other organisations (e.g. "${other.name}"). ` +
          'The demo seeds an administrator with a printed password; point DATABASE_URL at an empty database, or run the demo on its SQLite default.',
      );
    }
  } finally {
    await handle.close();
  }
}
