import type { AppContext } from '../context.ts';
import { createAdmin, findAdminByEmail } from '../auth/admins.ts';
import { createUnit, listUnits } from '../directory/units.ts';
import { createUserType, listUserTypes } from '../directory/user-types.ts';
import { createIntegration, listIntegrations } from '../integrations/service.ts';
import type { DemoFile } from './demo-file.ts';
import {
  DEMO_EXCLUSION_RULES,
  DEMO_GROUPS,
  DEMO_STORE_CITIES,
  DEMO_UNIT_FIELD,
} from './demo-tenant.ts';

export const DEMO_ORG = 'Demo Company';

/**
 * Units of the demo: a head office and departments of the emulated tenant under it, and a few
 * stores under Retail (the unit comes from extensionAttribute1: "Store <city>" for store staff,
 * the department otherwise; see demo-tenant.ts). Shaped so the Unassigned tab shows its causes
 * on the first start (issue 13): the frequent department "Customer Service" has no unit yet
 * (the largest group, fixed with Create unit), "Logistics" is the name of two units
 * (ambiguous), rarer departments have no unit, and a few users have no unit value at all.
 */
const DEMO_UNITS = [
  'Operations',
  'Sales',
  'Logistics',
  'Retail',
  'Finance',
  'Human Resources',
  'IT',
  'Marketing',
];
/** User types matching common job titles of the emulated tenant. */
const DEMO_USER_TYPES = [
  'Employee',
  'Manager',
  'Team Lead',
  'Store Manager',
  'Cashier',
  'Sales Associate',
  'Warehouse Operative',
  'Customer Service Agent',
  'Shift Supervisor',
  'Driver',
];

/**
 * Creates, once, the demo organisation with its administrator, units, user types and an
 * enabled integration pointing at the emulated tenant. Idempotent: a second start finds
 * everything in place and only returns the ids.
 */
export async function seedDemo(
  ctx: AppContext,
  demo: DemoFile,
): Promise<{ orgId: string; integrationId: string }> {
  const now = ctx.clock.now();
  const existing = await findAdminByEmail(ctx.db, demo.adminEmail);
  const orgId = existing
    ? existing.orgId
    : (
        await createAdmin(
          ctx.db,
          { org: DEMO_ORG, email: demo.adminEmail, password: demo.adminPassword },
          { now },
        )
      ).organization.id;

  const units = await listUnits(ctx.db, orgId);
  if (!units.length) {
    const head = await createUnit(ctx.db, orgId, { name: 'Head Office' }, now);
    const ids = new Map<string, string>();
    for (const name of DEMO_UNITS) {
      ids.set(name, (await createUnit(ctx.db, orgId, { name, parentId: head.id }, now)).id);
    }
    // A store's own logistics team: a second unit named "Logistics" makes the name ambiguous.
    const retail = ids.get('Retail');
    if (retail) {
      await createUnit(ctx.db, orgId, { name: 'Logistics', parentId: retail }, now);
      for (const city of DEMO_STORE_CITIES) {
        await createUnit(ctx.db, orgId, { name: `Store ${city}`, parentId: retail }, now);
      }
    }
  }
  if (!(await listUserTypes(ctx.db, orgId)).length) {
    for (const name of DEMO_USER_TYPES) await createUserType(ctx.db, orgId, { name }, now);
  }
  const integrations = await listIntegrations(ctx.db, orgId);
  const found = integrations[0];
  if (found) return { orgId, integrationId: found.id };
  const created = await createIntegration(ctx, orgId, {
    name: 'Contoso (emulated Entra ID)',
    applicationId: demo.clientId,
    tenantId: demo.tenantId,
    secret: demo.clientSecret,
    unitField: DEMO_UNIT_FIELD,
    userTypeField: 'jobTitle',
    enabled: true,
    syncIntervalMinutes: 5,
    // Who is synchronised (issue 14): the staff groups, service accounts excluded.
    scopeMode: 'groups',
    scopeGroups: [{ id: DEMO_GROUPS.allStaff.id, displayName: DEMO_GROUPS.allStaff.displayName }],
    exclusionRules: DEMO_EXCLUSION_RULES,
    // Changes arrive within seconds (issue 16): the demo emulator notifies the service.
    nearRealTime: true,
  });
  return { orgId, integrationId: created.id };
}
