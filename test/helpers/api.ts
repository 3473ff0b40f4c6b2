import { randomBytes } from 'node:crypto';
import { createAdmin } from '../../src/auth/admins.ts';
import type { ScryptParams } from '../../src/auth/password.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import type { DialectKind } from '../../src/db/connect.ts';
import type { Database } from '../../src/db/schema.ts';
import { buildApp, type BuildAppOptions } from '../../src/http/app.ts';
import type { ApiApp } from '../../src/http/types.ts';
import { createSecretBox } from '../../src/integrations/secret-box.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import type { Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from './databases.ts';

/**
 * Cheaper scrypt cost for test administrators: hashes are self-describing, so sign-in
 * verifies them with these parameters and suites stay fast. Production uses DEFAULT_SCRYPT.
 */
const TEST_SCRYPT: ScryptParams = { N: 2 ** 12, r: 8, p: 1 };

/** The password of every administrator the helper creates. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestAppOptions extends BuildAppOptions {
  /** Logger for the app (default: silent). Pass `createLogger('info', stream)` to capture. */
  log?: Logger;
  /** Time source (default: the system clock). */
  clock?: Clock;
  /** Environment overrides for the Config, e.g. `{ DEACTIVATED_RETENTION_DAYS: '30' }`. */
  env?: Record<string, string>;
}

export interface TestApp {
  /** The Fastify app, not listening: use `app.inject(...)`, or `app.listen({port: 0})`. */
  app: ApiApp;
  ctx: AppContext;
  db: Kysely<Database>;
  database: TestDatabase;
  /** The first organisation and its administrator (password TEST_PASSWORD). */
  orgId: string;
  adminEmail: string;
  /**
   * Signs in (default: the first administrator) and returns the bearer token. Each call
   * comes from its own client address, so it never trips the login rate limit.
   */
  login(email?: string): Promise<string>;
  /** Adds another administrator (and its organisation when new); returns its org id. */
  addAdmin(org: string, email: string): Promise<{ orgId: string; email: string }>;
  /** `{ authorization: 'Bearer …' }` for `app.inject`. */
  auth(token: string): { authorization: string };
  /** Closes the app and drops the database. */
  close(): Promise<void>;
}

/**
 * A ready API over a fresh, migrated database of `dialect`, with an organisation "Test Org"
 * and its administrator `admin@test.example`. Example:
 *
 * ```ts
 * const t = await createTestApp('sqlite');
 * const token = await t.login();
 * const res = await t.app.inject({ method: 'GET', url: '/api/v1/units', headers: t.auth(token) });
 * await t.close();
 * ```
 */
export async function createTestApp(
  dialect: DialectKind,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const key = randomBytes(32);
  const config: Config = loadConfig({
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: key.toString('base64'),
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    log: options.log ?? createLogger('silent'),
    clock: options.clock ?? { now: () => new Date() },
    secretBox: createSecretBox(key),
  };
  const adminEmail = 'admin@test.example';
  const first = await createAdmin(ctx.db, {
    org: 'Test Org',
    email: adminEmail,
    password: TEST_PASSWORD,
  });
  const { log: _log, clock: _clock, env: _env, ...buildOptions } = options;
  const app = await buildApp(ctx, buildOptions);
  await app.ready();

  let logins = 0;
  return {
    app,
    ctx,
    db: ctx.db,
    database,
    orgId: first.organization.id,
    adminEmail,
    async login(email = adminEmail) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: TEST_PASSWORD },
        // A new client address per call: sign-in is rate-limited per address and email, and
        // a suite may sign in more than ten times a minute.
        remoteAddress: `10.99.${(++logins >> 8) & 255}.${logins & 255}`,
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { token: string }).token;
    },
    async addAdmin(org, email) {
      const r = await createAdmin(
        ctx.db,
        { org, email, password: TEST_PASSWORD },
        { scrypt: TEST_SCRYPT },
      );
      return { orgId: r.organization.id, email: r.admin.email };
    },
    auth: (token) => ({ authorization: `Bearer ${token}` }),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
