import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('stores a self-describing salted scrypt hash that verifies only the right password', async () => {
    const hash = await hashPassword('hunter2-hunter2');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain('hunter2');
    expect(await verifyPassword('hunter2-hunter2', hash)).toBe(true);
    expect(await verifyPassword('hunter2-hunter3', hash)).toBe(false);
    // A fresh salt every time.
    expect(await hashPassword('hunter2-hunter2')).not.toBe(hash);
    expect(DEFAULT_SCRYPT.N).toBeGreaterThanOrEqual(2 ** 15);
  });

  it('verifies hashes made with other parameters and rejects malformed ones', async () => {
    const cheap = await hashPassword('pw-12345678', { N: 2 ** 10, r: 8, p: 1 });
    expect(await verifyPassword('pw-12345678', cheap)).toBe(true);
    const wrongCost = cheap.replace('scrypt$1024$', 'scrypt$1000$');
    for (const bad of [
      wrongCost,
      '',
      'plain',
      'scrypt$1$8$1$aa$bb',
      cheap.replace(/\$[^$]+$/, '$short'),
      'bcrypt$x$y$z$a$b',
    ]) {
      expect(await verifyPassword('pw-12345678', bad)).toBe(false);
    }
  });
});
