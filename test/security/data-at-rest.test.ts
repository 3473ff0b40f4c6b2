import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/auth/admins.ts';
import { openContext } from '../../src/bootstrap.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const ROOT = new URL('../../', import.meta.url);

describe('data at rest', () => {
  const dirs: string[] = [];
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'aus-rest-'));
    dirs.push(d);
    return d;
  };

  it('keeps the default data folder 0700, the database, its WAL and the generated key 0600', async () => {
    process.chdir(tempDir());
    const ctx = await openContext(loadConfig({ LOG_LEVEL: 'silent' }), {
      log: createLogger('silent'),
    });
    try {
      await createAdmin(
        ctx.db,
        { org: 'Org', email: 'a@example.com', password: 'long enough' },
        { scrypt: { N: 1024, r: 8, p: 1 } },
      );
      expect(mode('data')).toBe(0o700);
      expect(mode('data/azure-user-sync.db')).toBe(0o600);
      expect(mode('data/azure-user-sync.db-wal')).toBe(0o600);
      expect(mode('data/encryption.key')).toBe(0o600);
      expect(
        Buffer.from(readFileSync('data/encryption.key', 'utf8').trim(), 'base64'),
      ).toHaveLength(32);
    } finally {
      await ctx.database.close();
    }
  });

  it('generates one key when several processes start together', async () => {
    const data = join(tempDir(), 'data');
    const keys = await Promise.all(
      Array.from({ length: 6 }, () => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'test/security/key-child.ts', data],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (err += b.toString()));
        return new Promise<string>((resolve, reject) =>
          child.once('exit', (code) =>
            code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${err}`)),
          ),
        );
      }),
    );
    expect(new Set(keys).size).toBe(1);
    expect(readFileSync(join(data, 'encryption.key'), 'utf8').trim()).toBe(keys[0]);
    expect(mode(data)).toBe(0o700);
    expect(mode(join(data, 'encryption.key'))).toBe(0o600);
  }, 60_000);

  it('generates a key only for the default SQLite database', () => {
    expect(loadConfig({}).generatedKeyAllowed).toBe(true);
    expect(() => loadConfig({ DATABASE_URL: 'sqlite:/var/lib/aus/aus.db' })).toThrow(
      /ENCRYPTION_KEY: required for any database but the default/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/aus' })).toThrow(ConfigError);
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(
      loadConfig({ DATABASE_URL: 'sqlite:/var/lib/aus/aus.db', ENCRYPTION_KEY: key }).encryptionKey,
    ).toHaveLength(32);
  });
});
