import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-evident page tokens ($skiptoken, $deltatoken). The state lives in the token
 * itself (base64url JSON + HMAC) so the emulator keeps no per-client cursor: a million-user
 * round costs nothing between pages, and a client that edits a token gets a 400.
 */
export class TokenSigner {
  constructor(private readonly key: Buffer) {}

  /** Encodes `payload` into an opaque string. */
  seal(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** Decodes a token made by {@link seal}; undefined when forged or malformed. */
  open(token: string): unknown {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
