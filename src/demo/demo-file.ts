import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { EmulatedGroupSnapshot, EmulatedTenant, EmulatedUser } from '../emulator/index.ts';

/**
 * What makes a demo the same demo after a restart: the emulated tenant's identity and app
 * credentials, the administrator's password, and the tenant's users and groups as they were
 * when the demo stopped (changes made through the emulator's control API survive `npm start`).
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

/** What `demo-tenant.json` holds: the tenant's live users and its groups with their members. */
export interface SavedTenant {
  users: EmulatedUser[];
  groups: EmulatedGroupSnapshot[];
}

const groupsSchema = z.array(
  z.object({
    id: z.string().min(1),
    displayName: z.string(),
    members: z.array(z.object({ id: z.string().min(1), type: z.enum(['user', 'group']) })),
  }),
);

/**
 * The tenant saved when the demo last stopped, or null on the first start. A file from before
 * groups were saved (a bare list of users) reads as a tenant without groups.
 */
export function loadTenant(dataDir: string): SavedTenant | null {
  const file = tenantFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    // The users are the emulator's own records, written by saveTenant below.
    if (Array.isArray(v)) return { users: v as EmulatedUser[], groups: [] };
    if (typeof v !== 'object' || v === null || !('users' in v) || !Array.isArray(v.users)) {
      return null;
    }
    const groups = groupsSchema.safeParse('groups' in v ? v.groups : []);
    return { users: v.users as EmulatedUser[], groups: groups.success ? groups.data : [] };
  } catch {
    return null;
  }
}

export function saveTenant(dataDir: string, tenant: EmulatedTenant): void {
  const saved: SavedTenant = { users: [...tenant.users()], groups: tenant.listGroups() };
  writeFileSync(tenantFile(dataDir), JSON.stringify(saved) + '\n');
}

/**
 * Puts a saved tenant back: users first, then every group, then memberships (a nested group is
 * known as a group by then). Members deleted in the meantime are skipped.
 */
export function restoreTenant(tenant: EmulatedTenant, saved: SavedTenant): void {
  for (const u of saved.users) tenant.addUser(u);
  for (const g of saved.groups) tenant.addGroup(g.displayName, g.id);
  const groupIds = new Set(saved.groups.map((g) => g.id));
  for (const g of saved.groups) {
    for (const m of g.members) {
      if (m.type === 'user' ? !tenant.getUser(m.id) : !groupIds.has(m.id)) continue;
      tenant.addGroupMember(g.id, m.id);
    }
  }
}
