import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** True when the panel is served over https (PUBLIC_URL): the cookie is Secure, HSTS is sent. */
export function servedOverHttps(publicUrl: URL | undefined): boolean {
  return publicUrl?.protocol === 'https:';
}

/**
 * Security headers on every response (API, panel, errors) with @fastify/helmet:
 * - a CSP the built panel passes as is: Vite emits external module scripts and stylesheets
 *   only, React sets styles through the CSSOM (allowed), the favicon is a `data:` URL;
 * - `frame-ancestors 'none'` (and X-Frame-Options for old browsers) against clickjacking;
 * - `nosniff`, `Referrer-Policy: no-referrer` (panel URLs carry ids);
 * - HSTS only when PUBLIC_URL is https: sent over plain http it would be ignored at best, and
 *   on 127.0.0.1 it would pin every other local service to https.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  publicUrl: URL | undefined,
): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: servedOverHttps(publicUrl) ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    // The panel and API are one origin and load nothing cross-origin.
    crossOriginEmbedderPolicy: false,
  });
}
