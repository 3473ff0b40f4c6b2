import type { EmulatedTenant } from '../emulator/index.ts';
import type { ExclusionRule } from '../integrations/exclusion-rules.ts';
import type { MatchField } from '../db/schema.ts';

/*
 * What the demo's emulated tenant looks like beyond its generated users (issue 14): a hybrid
 * retailer whose on-premises AD writes each person's unit into extensionAttribute1 (the store
 * for store staff, the department for head office), staff in nested groups, and a few accounts
 * that must never become platform users. Shared by the tenant shaping (first start) and the
 * seed of the integration, so both name the same groups, stores and rules.
 */

/** Fixed ids: a demo whose tenant file is lost still points its scope at the same groups. */
export const DEMO_GROUPS = {
  allStaff: { id: '5c0a11f0-0000-4000-8000-00000000a11f', displayName: 'All staff' },
  stores: { id: '5c0a11f0-0000-4000-8000-0000000057e5', displayName: 'Stores' },
  headOffice: { id: '5c0a11f0-0000-4000-8000-0000000000ff', displayName: 'Head office' },
} as const;

/** The integration's unit field: the unit as on-premises AD writes it. */
export const DEMO_UNIT_FIELD: MatchField = 'onPremisesExtensionAttributes/extensionAttribute1';

/** Service accounts (`svc-…`) are never people, even when an admin puts one in a staff group. */
export const DEMO_EXCLUSION_RULES: ExclusionRule[] = [
  { field: 'userPrincipalName', operator: 'startsWith', value: 'svc-' },
];

/** Cities with a store of their own: Retail staff there carry "Store <city>" as their unit. */
export const DEMO_STORE_CITIES = ['London', 'Seattle', 'Manchester', 'Berlin', 'New York'];

/** Departments whose people work in the stores; everyone else is head office. */
const STORE_DEPARTMENTS = new Set(['Retail', 'Logistics', 'Operations', 'Sales']);

/**
 * Accounts every tenant has that are not people. The shared mailbox and the meeting room are in
 * no staff group (outside the scope); the till service account is in "Stores" but matches the
 * exclusion rule. With names and addresses, each would become a platform user without them.
 */
export const DEMO_NON_PEOPLE = [
  { local: 'info', givenName: 'Info', surname: 'Mailbox', ext1: 'Sales', group: null },
  {
    local: 'room.atlantic',
    givenName: 'Meeting Room',
    surname: 'Atlantic',
    ext1: 'Operations',
    group: null,
  },
  {
    local: 'svc-pos',
    givenName: 'POS',
    surname: 'Till Service',
    ext1: 'Store London',
    group: 'stores',
  },
] as const;

/** One line per setting, for the demo's banner. */
export function describeDemoScope(): string[] {
  const g = DEMO_GROUPS;
  return [
    `scope:        members of "${g.allStaff.displayName}" (nested: "${g.stores.displayName}", "${g.headOffice.displayName}")`,
    `excluded:     userPrincipalName starts with "svc-" (service accounts)`,
    `unit field:   extensionAttribute1 (on-premises AD: "Store <city>" for store staff, the department for head office)`,
    `left out:     ${DEMO_NON_PEOPLE.map((a) => `${a.givenName} ${a.surname}`).join(', ')}`,
  ];
}

/**
 * Shapes a freshly generated tenant (first start only): extensionAttribute1 carries the unit, a
 * few members have no unit at all (the Unassigned tab shows "field is empty"), the staff groups
 * are nested under "All staff", and the non-people accounts are added.
 */
export function shapeDemoTenant(tenant: EmulatedTenant): void {
  let n = 0;
  const storeStaff: string[] = [];
  const headOffice: string[] = [];
  for (const u of [...tenant.users()]) {
    if (u.userType === 'Guest') continue;
    // A few members without a department: the Unassigned tab shows "field is empty".
    const department = u.accountEnabled && ++n % 45 === 0 ? null : u.department;
    const store = department === 'Retail' && u.city && DEMO_STORE_CITIES.includes(u.city);
    tenant.updateUser(u.id, {
      department,
      onPremisesExtensionAttributes: {
        extensionAttribute1: store ? `Store ${u.city}` : department,
      },
    });
    (department && STORE_DEPARTMENTS.has(department) ? storeStaff : headOffice).push(u.id);
  }
  const g = DEMO_GROUPS;
  for (const group of Object.values(g)) tenant.addGroup(group.displayName, group.id);
  tenant.addGroupMember(g.allStaff.id, g.stores.id);
  tenant.addGroupMember(g.allStaff.id, g.headOffice.id);
  for (const id of storeStaff) tenant.addGroupMember(g.stores.id, id);
  for (const id of headOffice) tenant.addGroupMember(g.headOffice.id, id);
  for (const a of DEMO_NON_PEOPLE) {
    const user = tenant.addUser({
      givenName: a.givenName,
      surname: a.surname,
      userPrincipalName: `${a.local}@${tenant.domain}`,
      mail: a.local.startsWith('svc-') ? null : `${a.local}@${tenant.domain}`,
      jobTitle: 'Employee',
      department: null,
      onPremisesExtensionAttributes: { extensionAttribute1: a.ext1 },
    });
    if (a.group) tenant.addGroupMember(g[a.group].id, user.id);
  }
}
