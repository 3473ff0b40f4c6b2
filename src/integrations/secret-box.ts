import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';

/**
 * Encrypts client secrets at rest with AES-256-GCM. The stored envelope is
 * `v1.<iv>.<tag>.<ciphertext>` (base64url parts): the version lets the key or algorithm
 * change later without guessing what an old row holds.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(envelope: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return ['v1', iv, tag, body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(envelope) {
      const [version, iv, tag, body] = envelope.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) {
        throw new Error('Unreadable secret envelope');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}

/**
 * The key for the embedded default: generated once into the data folder (with a warning)
 * so `npm start` needs no set-up. PostgreSQL deployments must set ENCRYPTION_KEY (config.ts
 * refuses to start otherwise), because several machines must share the key.
 */
export function loadOrCreateLocalKey(dataDir: string, log: Logger): Buffer {
  const file = join(dataDir, 'encryption.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  log.warn(
    { file },
    'ENCRYPTION_KEY is not set: generated a key for the embedded database. Back this file up; set ENCRYPTION_KEY in production.',
  );
  return key;
}
