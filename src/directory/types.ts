import type { DeactivationReason, UserStatus } from '../db/schema.ts';

/** Domain types of the platform directory, as repositories return them. */

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

export interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: string;
}

export interface UserType {
  id: string;
  name: string;
  createdAt: string;
}

/** The Entra user a platform user is linked to. */
export interface UserSource {
  integrationId: string;
  externalId: string;
}

export interface User {
  id: string;
  orgId: string;
  firstName: string;
  lastName: string;
  email: string;
  status: UserStatus;
  deactivatedAt: string | null;
  deactivationReason: DeactivationReason | null;
  purgeAfter: string | null;
  source: UserSource | null;
  assigned: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One unit membership: the unit, its user types and who manages it (null = manual). */
export interface Membership {
  unitId: string;
  userTypeIds: string[];
  managedBy: string | null;
}

export interface UserWithMemberships extends User {
  memberships: Membership[];
}
