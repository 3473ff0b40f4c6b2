import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Value imports of a module (not `import type`, not dynamic `import()`). */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const re = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gms;
  for (const m of source.matchAll(re)) if (m[1]) found.push(m[1]);
  return found;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * What `node dist/cli.js serve` loads after `npm prune --omit=dev`: every module reachable
 * from src/cli.ts through static value imports. The demo and emulator load the emulator
 * (and @peculiar/x509) with `import()` only when they run.
 */
describe('production runtime', () => {
  it('statically imports runtime dependencies only (no tsx, no emulator packages)', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [join(ROOT, 'src/cli.ts')];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of staticImports(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) queue.push(join(dirname(file), spec));
        else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          packages.add(packageOf(spec));
        }
      }
    }
    const notRuntime = [...packages].filter((p) => !(p in pkg.dependencies));
    expect(notRuntime).toEqual([]);
    expect(seen.size).toBeGreaterThan(50);
    const emulator = [...seen].filter((f) => relative(ROOT, f).startsWith('src/emulator/'));
    expect(emulator).toEqual([]);
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(['tsx', '@peculiar/x509']),
    );
  });
});
