import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { EmulatedUser } from '../emulator/index.ts';

/**
 * What makes a demo the same demo after a restart: the emulated tenant's identity and app
 * credentials, the administrator's password, and the tenant's users as they were when the
 * demo stopped (changes made through the emulator's control API survive `npm start`).
 */
export interface DemoFile {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  adminEmail: string;
  adminPassword: string;
  seed: number;
}

const demoSchema = z.object({
  tenantId: z.uuid(),
  clientId: z.uuid(),
  clientSecret: z.string().min(10),
  adminEmail: z.string().min(3),
  adminPassword: z.string().min(8),
  seed: z.number().int(),
});

export function demoFilePath(dataDir: string): string {
  return join(dataDir, 'demo.json');
}

/** Reads the demo's identity, creating it on first start. */
export function loadOrCreateDemoFile(dataDir: string): { demo: DemoFile; created: boolean } {
  const file = demoFilePath(dataDir);
  if (existsSync(file)) {
    const parsed = demoSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { demo: parsed.data, created: false };
  }
  const demo: DemoFile = {
    tenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: randomBytes(24).toString('base64url'),
    adminEmail: 'admin@demo.example',
    adminPassword: randomBytes(9).toString('base64url'),
    seed: 2026,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  return { demo, created: true };
}

const tenantFile = (dataDir: string) => join(dataDir, 'demo-tenant.json');

/** The tenant's users saved when the demo last stopped, or null on the first start. */
export function loadTenantUsers(dataDir: string): EmulatedUser[] | null {
  const file = tenantFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(v) ? (v as EmulatedUser[]) : null;
  } catch {
    return null;
  }
}

export function saveTenantUsers(dataDir: string, users: Iterable<EmulatedUser>): void {
  writeFileSync(tenantFile(dataDir), JSON.stringify([...users]) + '\n');
}
