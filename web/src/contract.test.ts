import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The panel shares one contract with the server (issue 13): it takes the API's shapes from the
 * zod schemas the routes use, as types only, so `npm run typecheck` fails on any drift and no
 * server code reaches the bundle. These checks keep it that way.
 */

const webSrc = fileURLToPath(new URL('.', import.meta.url));

/** Server modules the panel may import at run time: plain constants with no imports of code. */
const RUNTIME_ALLOWED = new Set(['../../src/integrations/match-fields.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every `import … from '…/src/…'` of a file, with whether it is type-only. */
function serverImports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
    const spec = m[2] ?? '';
    if (!/(^|\/)src\//.test(spec) || !spec.startsWith('../')) continue;
    found.push({ spec, typeOnly: Boolean(m[1]) });
  }
  return found;
}

describe('one API contract for server and panel', () => {
  it('imports server modules as types only, except plain constant modules', () => {
    const offending: string[] = [];
    for (const file of sources(webSrc)) {
      const rel = file.slice(webSrc.length);
      for (const { spec, typeOnly } of serverImports(file)) {
        // Normalise to the path as seen from web/src, so the allow-list has one spelling.
        const fromWebSrc = spec.replace(/^(\.\.\/){1,}/, '../../');
        if (!typeOnly && !RUNTIME_ALLOWED.has(fromWebSrc)) {
          offending.push(`${rel}: ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('takes the shapes from the server instead of declaring them', () => {
    // types.ts is where the panel names the API's shapes: aliases of the server's schemas, no
    // hand-written interface except the generic keyset page.
    const text = readFileSync(join(webSrc, 'types.ts'), 'utf8');
    const interfaces = [...text.matchAll(/^export interface (\w+)/gm)].map((m) => m[1]);
    expect(interfaces).toEqual(['Page']);
    expect(text).toMatch(/from '\.\.\/\.\.\/src\/http\/schemas\.ts'/);
  });

  it('runtime-imported server modules import no code themselves', () => {
    for (const spec of RUNTIME_ALLOWED) {
      const text = readFileSync(join(webSrc, spec), 'utf8');
      const runtime = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)];
      expect(runtime.map((m) => m[1])).toEqual([]);
    }
  });
});
