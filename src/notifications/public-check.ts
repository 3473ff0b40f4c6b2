/**
 * Test connection's near-real-time step (issue 16): sends the validation handshake Graph
 * will send, to the public notification URL, from this process — through the public URL,
 * so a proxy, DNS or firewall in the way shows up here rather than as a failed subscription.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionStep } from '../graph/types.ts';
import { hookUrls } from './hook-urls.ts';

/** Graph's own limit for the answer (concepts/change-notifications-delivery-webhooks.md). */
const TIMEOUT_MS = 10_000;

export async function checkPublicHandshake(
  base: URL | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<ConnectionStep> {
  const name = 'notifications' as const;
  if (!base) {
    return {
      name,
      ok: false,
      message:
        'Near-real-time updates need a public https URL: set PUBLIC_URL to the https address ' +
        'Microsoft Graph can reach (e.g. https://sync.example.com); until then changes arrive ' +
        'with the scheduled run',
    };
  }
  const { notificationUrl } = hookUrls(base);
  const token = `check-${randomBytes(12).toString('base64url')}`;
  const target = new URL(notificationUrl);
  target.searchParams.set('validationToken', token);
  const fix =
    `make ${base.origin} reach this service from the internet and forward ` +
    `/api/hooks/graph/ to it (check PUBLIC_URL, DNS, the proxy and the firewall)`;
  try {
    const res = await fetchImpl(target, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status === 200 && text === token) {
      return { name, ok: true, message: `${notificationUrl} answers Graph's validation request` };
    }
    return {
      name,
      ok: false,
      message: `${notificationUrl} answered ${res.status} instead of echoing the validation token: ${fix}`,
    };
  } catch (err) {
    const why =
      err instanceof Error
        ? err.cause instanceof Error
          ? err.cause.message
          : err.message
        : String(err);
    return { name, ok: false, message: `${notificationUrl} could not be reached (${why}): ${fix}` };
  }
}
