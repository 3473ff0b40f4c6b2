import { Agent, request } from 'undici';
import type { Emulator } from './types.ts';

/** A parsed HTTP answer, for emulator tests. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/**
 * A small real-HTTPS client for tests of the emulator: trusts the emulator's CA (never
 * disables TLS checks) and talks undici, like the product's Graph client does.
 */
export class TestClient {
  readonly agent: Agent;

  constructor(readonly emulator: Emulator) {
    this.agent = new Agent({ connect: { ca: emulator.caCertPem || undefined } });
  }

  /** Any request; a relative path is resolved against the emulator origin. */
  async send(
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const url = path.startsWith('http') ? path : `${this.emulator.origin}${path}`;
    const res = await request(url, {
      method: method as 'GET',
      headers: opts.headers ?? {},
      body: opts.body ?? null,
      dispatcher: this.agent,
    });
    const text = await res.body.text();
    let json: Record<string, unknown> = {};
    if (text) json = JSON.parse(text) as Record<string, unknown>;
    return { status: res.statusCode, headers: res.headers, json };
  }

  /** Client-credentials token request against `tenant` (GUID or domain). */
  async token(tenant: string, fields: Record<string, string | undefined>): Promise<Answer> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
    return this.send('POST', `/${tenant}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }

  /** A valid access token for the default app of the default tenant (or the given app). */
  async accessToken(
    app = this.emulator.tenant.defaultApp,
    tenant = this.emulator.tenant.id,
  ): Promise<string> {
    const answer = await this.token(tenant, {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.secret,
      scope: 'https://graph.microsoft.com/.default',
    });
    if (answer.status !== 200) throw new Error(`token: ${answer.status}`);
    return answer.json.access_token as string;
  }

  /** GET with a bearer token. */
  async graph(path: string, token: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send('GET', path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  }

  /** Follows nextLinks to the end of a round; returns every entry and the last page. */
  async all(
    path: string,
    token: string,
  ): Promise<{ values: Record<string, unknown>[]; pages: number; last: Answer }> {
    const values: Record<string, unknown>[] = [];
    let pages = 0;
    let url: string | undefined = path;
    let last: Answer | undefined;
    while (url) {
      last = await this.graph(url, token);
      if (last.status !== 200)
        throw new Error(`${url}: ${last.status} ${JSON.stringify(last.json)}`);
      pages += 1;
      values.push(...(last.json.value as Record<string, unknown>[]));
      url = last.json['@odata.nextLink'] as string | undefined;
    }
    return { values, pages, last: last as Answer };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
