import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createSecretBox, loadOrCreateLocalKey } from './integrations/secret-box.ts';
import { createLogger, type Logger } from './log.ts';

export interface OpenOptions {
  log?: Logger;
  clock?: Clock;
}

/**
 * Opens the database, applies pending migrations and builds the process context. Every
 * command that touches the database goes through here, so `admin create` works on a fresh
 * database.
 */
export async function openContext(config: Config, options: OpenOptions = {}): Promise<AppContext> {
  const log = options.log ?? createLogger(config.logLevel);
  const database = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(database);
    if (applied.length) log.info({ applied }, 'database migrated');
  } catch (err) {
    await database.close();
    throw err;
  }
  const key = config.encryptionKey ?? loadOrCreateLocalKey(config.dataDir, log);
  return {
    config,
    database,
    db: database.db,
    log,
    clock: options.clock ?? systemClock,
    secretBox: createSecretBox(key),
  };
}
