import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../db/private-files.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';

/**
 * Encrypts client secrets at rest with AES-256-GCM. The stored envelope is
 * `v1.<iv>.<tag>.<ciphertext>` (base64url parts): the version lets the key or algorithm
 * change later without guessing what an old row holds.
 *
 * `context` (optional, e.g. the integration id) is bound to the ciphertext as GCM
 * associated data: an envelope copied into another row does not open there.
 */
export interface SecretBox {
  seal(plain: string, context?: string): string;
  open(envelope: string, context?: string): string;
}

/**
 * A stored secret that cannot be decrypted: the key changed, or the row was altered. The
 * administrator's way out is to enter the secret again.
 */
export class SecretUnreadableError extends AppError {
  constructor() {
    super(
      409,
      'secret_unreadable',
      'The stored client secret cannot be decrypted (was ENCRYPTION_KEY changed?): enter the secret again',
    );
  }
}

/** Builds the box around a 32-byte key; throws on any other key length. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes');
  return {
    seal(plain, context) {
      // A fresh random 96-bit IV per secret: GCM must never reuse an IV under one key.
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return ['v1', iv, tag, body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(envelope, context) {
      const [version, iv, tag, body, extra] = envelope.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined || extra !== undefined) {
        throw new SecretUnreadableError();
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
        return Buffer.concat([
          decipher.update(Buffer.from(body, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // GCM authentication failed (wrong key, wrong context or altered bytes). The
        // cause is deliberately dropped: nothing about the secret belongs in an error.
        throw new SecretUnreadableError();
      }
    },
  };
}

/**
 * The key for the embedded default: generated once into the data folder (with a warning)
 * so `npm start` needs no set-up. Any other database must set ENCRYPTION_KEY (config.ts
 * refuses to start otherwise), because several machines must share the key.
 *
 * Two processes starting together must end up with the same key: the new key is written
 * in full to a private temporary file which is then hard-linked to the final name. `link`
 * fails with EEXIST when another process got there first, so the key file appears complete
 * and exactly once; whoever lost reads the winner's key. The file is 0600 in a 0700 folder.
 */
export function loadOrCreateLocalKey(dataDir: string, log: Logger): Buffer {
  const file = join(dataDir, 'encryption.key');
  const existing = readKeyFile(file);
  if (existing) return existing;
  ensurePrivateDir(dataDir);
  const temp = join(dataDir, `.encryption.key.${process.pid}.${randomBytes(6).toString('hex')}`);
  const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, randomBytes(32).toString('base64') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let created = false;
  try {
    linkSync(temp, file);
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  // Re-read either way: what is on disk is the key every process uses.
  const key = readKeyFile(file);
  if (!key) throw new Error(`${file} does not hold a 32-byte base64 key`);
  if (created) {
    log.warn(
      { file },
      'ENCRYPTION_KEY is not set: generated a key for the embedded database. Back this file up; set ENCRYPTION_KEY in production.',
    );
  }
  return key;
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}
