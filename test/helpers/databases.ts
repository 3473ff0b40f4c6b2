import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type DatabaseHandle, type DialectKind } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/** Where the test PostgreSQL server is; trust auth as user postgres (see .ci/run). */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgAvailable: boolean | undefined;

/** True when PostgreSQL answers; in CI its absence is an error, never a silent skip. */
export async function postgresAvailable(): Promise<boolean> {
  if (pgAvailable !== undefined) return pgAvailable;
  const client = new pg.Client({
    connectionString: TEST_PG_ADMIN_URL,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    pgAvailable = true;
  } catch (err) {
    if (process.env.CI === 'true') {
      throw new Error(
        `PostgreSQL is required in CI but ${TEST_PG_ADMIN_URL} failed: ${String(err)}`,
      );
    }
    console.warn(
      `\n*** PostgreSQL not reachable at ${TEST_PG_ADMIN_URL}: PostgreSQL tests are SKIPPED ***\n`,
    );
    pgAvailable = false;
  } finally {
    await client.end().catch(() => undefined);
  }
  return pgAvailable;
}

/** A fresh, migrated database of the given dialect, with a way to throw it away. */
export interface TestDatabase extends DatabaseHandle {
  /** A DATABASE_URL pointing at this database, for child processes. */
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: DialectKind): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'aus-test-'));
    const path = join(dir, 'test.db');
    const handle = openDatabase({ kind: 'sqlite', path });
    await migrateToLatest(handle);
    return {
      ...handle,
      url: `sqlite:${path}`,
      async drop() {
        await handle.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `aus_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = TEST_PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const handle = openDatabase({ kind: 'postgres', url });
  await migrateToLatest(handle);
  return {
    ...handle,
    url,
    async drop() {
      await handle.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      // pg's Pool.end() resolves once its clients are *told* to end, not once they have: a
      // forced drop right away terminates them mid-goodbye, and the FATAL 57P01 they then
      // receive is an uncaught error in the test process. Wait (briefly) for them to go.
      for (let i = 0; i < 50; i++) {
        const r = await c.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (Number(r.rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const pgReady = await postgresAvailable();

/**
 * Declares the same suite once per dialect: `describeEachDialect('users', (dialect) => …)`.
 * PostgreSQL suites are skipped (with a printed notice) only outside CI when no server runs.
 */
export function describeEachDialect(name: string, body: (dialect: DialectKind) => void): void {
  describe(`${name} [sqlite]`, () => body('sqlite'));
  describe.skipIf(!pgReady)(`${name} [postgres]`, () => body('postgres'));
}
