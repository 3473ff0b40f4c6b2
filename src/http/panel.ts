/**
 * Serves the admin panel (the single-page app built into web/dist) at `/`.
 * Paths the panel routes itself (/users/42, /runs/7, …) fall back to index.html; API,
 * health and metrics paths never do, so a typo in an API call still gets a JSON 404.
 */
import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist relative to this file: src/http/ when run with tsx, dist/http/ when compiled. */
export const DEFAULT_PANEL_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Options of {@link registerPanel}; tests point `distDir` at a folder of their own. */
export interface PanelOptions {
  distDir?: string;
}

/** True for paths that belong to the server, not to the panel's client-side routes. */
export function isServerPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '/healthz' ||
    path.startsWith('/healthz/') ||
    path === '/metrics' ||
    path.startsWith('/metrics/')
  );
}

/** Page shown at `/` when web/dist is missing (e.g. a fresh checkout). */
export const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Azure User Sync</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The admin panel is not built</h1>
<p>The API is running under <code>/api/v1</code>, but the panel's files (<code>web/dist</code>) are missing.</p>
<p>Build it with <code>npm run build:web</code> (that is, <code>vite build --config web/vite.config.ts</code>) and reload this page.</p>
</body></html>
`;

/**
 * Registers the panel on `app`: static files of web/dist at `/` with an index.html
 * fallback for unknown non-API GET paths, or a "not built" page when web/dist is absent.
 */
export async function registerPanel(
  app: FastifyInstance,
  options: PanelOptions = {},
): Promise<void> {
  const root = options.distDir ?? DEFAULT_PANEL_DIR;
  const built = existsSync(`${root}/index.html`);

  if (!built) {
    const notBuilt = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (isServerPath(request.url)) return reply.callNotFound();
      await reply.type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
    };
    app.get('/', notBuilt);
    app.get('/*', notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Register one route per built file instead of a catch-all, so the catch-all below
    // can decide between index.html and the app's own 404.
    wildcard: false,
    index: ['index.html'],
    // Our own cache-control below; the default would overwrite it with max-age=0.
    cacheControl: false,
    setHeaders: (res, filePath) => {
      // Vite puts a content hash in asset names: cache them for good; never cache the page.
      if (filePath.includes('/assets/')) {
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('cache-control', 'no-cache');
      }
    },
  });

  app.get('/*', async (request, reply) => {
    if (isServerPath(request.url)) return reply.callNotFound();
    if (looksLikeFile(request.url)) {
      // A file built after start-up (web/dist rebuilt while serving) has no route of its
      // own yet: serve it if it exists inside the build folder, else a plain 404.
      const relative = builtFile(root, request.url);
      return relative ? reply.sendFile(relative, root) : reply.callNotFound();
    }
    return reply.sendFile('index.html', root);
  });
}

/** The path of an existing file inside `root` that `url` names, or null (never escapes root). */
function builtFile(root: string, url: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0] ?? '');
  } catch {
    return null;
  }
  const full = resolve(root, `.${path}`);
  if (!full.startsWith(resolve(root) + sep) || !existsSync(full)) return null;
  return relative(root, full);
}

/** A missing /assets/x.js must 404, not return HTML the browser would try to run. */
function looksLikeFile(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path.startsWith('/assets/') || /\.(js|css|map|png|svg|ico|woff2?|json|txt)$/i.test(path);
}
