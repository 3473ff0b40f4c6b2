import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/** Methods that change state: only these need proof that the panel itself sent them. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A cross-site request refused (403 `csrf_refused`). */
export class CsrfRefusedError extends AppError {
  constructor() {
    super(
      403,
      'csrf_refused',
      "Refused: a request signed in by the session cookie must come from the panel's own origin",
    );
  }
}

/**
 * The panel's own origin as this request sees it: PUBLIC_URL when set (behind a proxy),
 * else the scheme and Host the request arrived with (`request.protocol` and `request.host`
 * honour X-Forwarded-* only from proxies TRUST_PROXY names).
 */
export function panelOrigin(request: FastifyRequest, publicUrl: URL | undefined): string {
  if (publicUrl) return publicUrl.origin;
  try {
    // Through URL, as a browser writes an Origin: lower case, no default port.
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return 'null';
  }
}

/**
 * CSRF defence for requests a browser could be tricked into sending with the session
 * cookie. SameSite=Lax alone is not enough (a sibling subdomain is "same site"), so a
 * state-changing request without a bearer token must show it comes from the panel: an
 * `Origin` equal to the panel's origin, or — when a browser sends no Origin —
 * `Sec-Fetch-Site: same-origin`. A request that carries neither a cookie nor browser origin
 * headers (curl signing in) is not a browser's and passes; bearer-token calls always pass,
 * because no browser attaches that header on its own.
 */
export function assertSameOrigin(request: FastifyRequest, publicUrl: URL | undefined): void {
  if (!UNSAFE.has(request.method)) return;
  if (request.headers.authorization !== undefined) return;
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  const hasCookie = typeof request.headers.cookie === 'string' && request.headers.cookie !== '';
  if (origin !== undefined) {
    if (origin !== 'null' && origin.toLowerCase() === panelOrigin(request, publicUrl)) return;
    throw new CsrfRefusedError();
  }
  if (fetchSite !== undefined) {
    if (fetchSite === 'same-origin') return;
    throw new CsrfRefusedError();
  }
  if (hasCookie) throw new CsrfRefusedError();
}
