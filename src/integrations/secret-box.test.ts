import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretUnreadableError } from './secret-box.ts';

const key = randomBytes(32);

describe('secret box', () => {
  it('round-trips, including non-ASCII and empty-context secrets', () => {
    const box = createSecretBox(key);
    for (const plain of ['abc~123._-XYZ', 'ünïcødé 🔑', 'x'.repeat(1024)]) {
      const envelope = box.seal(plain);
      expect(envelope).not.toContain(plain);
      expect(box.open(envelope)).toBe(plain);
      expect(box.open(box.seal(plain, 'integration-1'), 'integration-1')).toBe(plain);
    }
  });

  it('uses a fresh IV each time: the same secret never seals the same way', () => {
    const box = createSecretBox(key);
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it('detects tampering with the ciphertext, tag or IV', () => {
    const box = createSecretBox(key);
    const [v, iv, tag, body] = box.seal('S3cr3t-value').split('.') as [
      string,
      string,
      string,
      string,
    ];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    for (const altered of [
      [v, iv, tag, flip(body)],
      [v, iv, flip(tag), body],
      [v, flip(iv), tag, body],
      ['v2', iv, tag, body],
      [v, iv, tag],
    ]) {
      expect(() => box.open(altered.join('.'))).toThrow(SecretUnreadableError);
    }
  });

  it('fails with another key, without revealing anything', () => {
    const envelope = createSecretBox(key).seal('S3cr3t-value');
    const other = createSecretBox(randomBytes(32));
    expect(() => other.open(envelope)).toThrow(SecretUnreadableError);
    try {
      other.open(envelope);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('S3cr3t');
      expect((err as Error).cause).toBeUndefined();
    }
  });

  it('binds the context: an envelope moved to another integration does not open', () => {
    const box = createSecretBox(key);
    const envelope = box.seal('S3cr3t-value', 'integration-a');
    expect(() => box.open(envelope, 'integration-b')).toThrow(SecretUnreadableError);
    expect(() => box.open(envelope)).toThrow(SecretUnreadableError);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
