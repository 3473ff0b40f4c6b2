import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdmin } from '../../src/auth/admins.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { registerAdmin } from '../../src/commands/admin.ts';
import { registerDemo } from '../../src/commands/demo.ts';
import { assertDemoDatabase } from '../../src/demo/guard.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.ts';

const BIN = new URL('../../bin/azure-user-sync.js', import.meta.url).pathname;
const KEY = Buffer.alloc(32, 9).toString('base64');

async function hashOf(tdb: TestDatabase, email: string): Promise<string> {
  const row = await tdb.db
    .selectFrom('admins')
    .select('password_hash')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.password_hash;
}

describe('admin create without --password', () => {
  let tdb: TestDatabase;
  const saved = { ...process.env };
  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    process.env = saved;
    vi.restoreAllMocks();
    await tdb.drop();
  });

  it('reads ADMIN_PASSWORD', async () => {
    process.env.DATABASE_URL = tdb.url;
    process.env.ENCRYPTION_KEY = KEY;
    process.env.LOG_LEVEL = 'silent';
    process.env.ADMIN_PASSWORD = 'from-the-environment';
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const program = new Command().exitOverride();
    registerAdmin(program);
    await program.parseAsync(['admin', 'create', '--org', 'Env', '--email', 'env@example.com'], {
      from: 'user',
    });
    expect(await verifyPassword('from-the-environment', await hashOf(tdb, 'env@example.com'))).toBe(
      true,
    );
  });

  it('reads one line of standard input when ADMIN_PASSWORD is not set either', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: tdb.url,
      ENCRYPTION_KEY: KEY,
      LOG_LEVEL: 'silent',
    };
    const child = spawn(
      process.execPath,
      [BIN, 'admin', 'create', '--org', 'Stdin', '--email', 'stdin@example.com'],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.stdin.end('piped secret pw\n');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code, output).toBe(0);
    expect(output).toMatch(/created administrator stdin@example.com/);
    expect(output).not.toContain('piped secret pw');
    expect(await verifyPassword('piped secret pw', await hashOf(tdb, 'stdin@example.com'))).toBe(
      true,
    );
  }, 60_000);
});

describe.skipIf(!(await postgresAvailable()))('demo on PostgreSQL', () => {
  let tdb: TestDatabase;
  const saved = { ...process.env };
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    process.env = saved;
    await tdb.drop();
  });

  it('refuses a database that already holds other organisations, before touching it', async () => {
    await assertDemoDatabase({ kind: 'postgres', url: tdb.url }); // empty: fine
    await createAdmin(
      tdb.db,
      { org: 'Real Customer', email: 'ops@customer.example', password: 'real password' },
      { scrypt: { N: 1024, r: 8, p: 1 } },
    );
    process.env.DATABASE_URL = tdb.url;
    process.env.ENCRYPTION_KEY = KEY;
    process.env.LOG_LEVEL = 'silent';
    const program = new Command().exitOverride();
    registerDemo(program);
    await expect(program.parseAsync(['demo'], { from: 'user' })).rejects.toThrow(
      /demo refuses this PostgreSQL database: it already holds other organisations \(e\.g\. "Real Customer"\)/,
    );
    const admins = await tdb.db.selectFrom('admins').select('email').execute();
    expect(admins).toEqual([{ email: 'ops@customer.example' }]);
  });
});
