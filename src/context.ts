import type { Kysely } from 'kysely';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connect.ts';
import type { Database } from './db/schema.ts';
import type { SecretBox } from './integrations/secret-box.ts';
import type { Logger } from './log.ts';

/**
 * What a running process holds: built once in cli.ts (or by a test) and passed down.
 * Modules take the parts they need rather than reading globals.
 */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  secretBox: SecretBox;
}
