import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { registerAdmin } from '../../src/commands/admin.ts';
import { registerPurge } from '../../src/commands/purge.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import {
  describeEachDialect,
  createTestDatabase,
  type TestDatabase,
} from '../helpers/databases.ts';

/** `admin create` and `purge` against a real database, as the CLI runs them. */
describeEachDialect('admin and purge commands', (dialect) => {
  let tdb: TestDatabase;
  const saved = { ...process.env };
  const printed: string[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    process.env.DATABASE_URL = tdb.url;
    process.env.ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
    process.env.LOG_LEVEL = 'silent';
    // Capture what the command prints for the operator.
    vi.spyOn(console, 'log').mockImplementation(
      (...args: unknown[]) => void printed.push(args.join(' ')),
    );
  });
  afterEach(() => {
    printed.length = 0;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    process.env = saved;
    await tdb.drop();
  });

  const run = async (...args: string[]) => {
    const program = new Command().exitOverride();
    registerAdmin(program);
    registerPurge(program);
    await program.parseAsync(args, { from: 'user' });
  };

  it('creates the organisation and the administrator, never printing the password', async () => {
    await run(
      'admin',
      'create',
      '--org',
      'Contoso',
      '--email',
      'Boss@Contoso.example',
      '--password',
      'Sup3r-secret-pw',
    );
    const out = printed.join('\n');
    expect(out).toMatch(/created organisation "Contoso"/);
    expect(out).toMatch(/created administrator boss@contoso.example/);
    expect(out).not.toContain('Sup3r-secret-pw');
    const admin = await tdb.db.selectFrom('admins').selectAll().executeTakeFirstOrThrow();
    expect(admin.password_hash).not.toContain('Sup3r-secret-pw');
    expect(await verifyPassword('Sup3r-secret-pw', admin.password_hash)).toBe(true);

    printed.length = 0;
    await run(
      'admin',
      'create',
      '--org',
      'Contoso',
      '--email',
      'second@contoso.example',
      '--password',
      'An0ther-secret',
    );
    expect(printed.join('\n')).toMatch(/organisation "Contoso" exists/);
    const orgs = await tdb.db.selectFrom('organizations').select('name').execute();
    expect(orgs).toEqual([{ name: 'Contoso' }]);
    await expect(
      run(
        'admin',
        'create',
        '--org',
        'Contoso',
        '--email',
        'BOSS@contoso.example',
        '--password',
        'whatever-123',
      ),
    ).rejects.toThrow(/already exists/);
  });

  it('purges users past their retention', async () => {
    const org = await tdb.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    const past = new Date(Date.now() - 1000).toISOString();
    await tdb.db
      .insertInto('users')
      .values({
        id: crypto.randomUUID(),
        org_id: org.id,
        first_name: 'Old',
        last_name: 'User',
        email: 'old@contoso.example',
        status: 'deactivated',
        deactivated_at: past,
        deactivation_reason: 'admin',
        purge_after: past,
        source_integration_id: null,
        source_external_id: null,
        assigned: 0,
        created_at: past,
        updated_at: past,
      })
      .execute();
    await run('purge');
    expect(printed.join('\n')).toBe('purged 1 user');
    expect(await tdb.db.selectFrom('users').select('id').execute()).toEqual([]);
  });
});
