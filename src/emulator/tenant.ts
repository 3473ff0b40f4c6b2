import { randomBytes, randomUUID } from 'node:crypto';
import { generateUsers, newGeneratorState, type GeneratorState } from './generate.ts';
import { HARD_DELETED, LIVE, SOFT_DELETED, UserStore } from './user-store.ts';
import { fullExtensions } from './extension-attributes.ts';
import { GroupStore } from './group-store.ts';
import { corrupted } from './odata-query.ts';
import type {
  AddAppOptions,
  DeltaOddities,
  EmulatedAppCredentials,
  EmulatedGroupSnapshot,
  EmulatedTenant,
  EmulatedUser,
} from './types.ts';

/** An app registration as the token endpoint sees it. */
export interface AppRegistration {
  clientId: string;
  secret: string;
  secretExpiresAt: Date | null;
  consent: boolean;
  groupConsent: boolean;
}

// prettier-ignore
const USER_KEYS: ReadonlyArray<keyof EmulatedUser> = [
  'id', 'givenName', 'surname', 'displayName', 'mail', 'userPrincipalName', 'accountEnabled',
  'userType', 'jobTitle', 'companyName', 'department', 'streetAddress', 'state', 'country',
  'officeLocation', 'city', 'postalCode', 'employeeType', 'employeeOrgData',
  'onPremisesExtensionAttributes',
];

/** Only the known Graph properties of `source`, so stray keys never reach responses. */
function pickKnown(source: Partial<EmulatedUser>): Partial<EmulatedUser> {
  const out: Record<string, unknown> = {};
  for (const key of USER_KEYS) {
    if (key in source && source[key] !== undefined) out[key] = source[key];
  }
  return out as Partial<EmulatedUser>;
}

/** A client secret shaped like Entra's (40 characters, with `~` and `.`). */
export function newSecret(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, '~').replace(/\//g, '.');
}

/** Thrown by tenant operations on an unknown (or already hard-deleted) user. */
export class UnknownUserError extends Error {
  constructor(id: string) {
    super(`user ${id} not found`);
  }
}

/** The in-memory implementation of {@link EmulatedTenant}. */
export class Tenant implements EmulatedTenant {
  readonly store = new UserStore();
  readonly groups = new GroupStore();
  readonly apps = new Map<string, AppRegistration>();
  readonly defaultApp: EmulatedAppCredentials;
  deltaOddities: DeltaOddities = {};
  usersCountLag = 0;
  /** Bumped by expireDeltaTokens: links carrying an older generation answer 410. */
  deltaGeneration = 0;
  /**
   * Called after every change to one user made through this object (not bulk `generate`):
   * `updated` for creation, update, soft delete and restore, `deleted` for a permanent
   * delete, as Graph reports users (resources/subscription.md, changeType note).
   */
  onUserChange: ((userId: string, changeType: 'updated' | 'deleted') => void) | undefined;
  private readonly generatorState: GeneratorState = newGeneratorState();

  constructor(
    readonly id: string,
    readonly domain: string,
    private readonly seed: number,
  ) {
    this.defaultApp = this.addApp({ consent: true });
  }

  addApp(opts: AddAppOptions = {}): EmulatedAppCredentials {
    const app: AppRegistration = {
      clientId: (opts.clientId ?? randomUUID()).toLowerCase(),
      secret: opts.secret ?? newSecret(),
      secretExpiresAt: opts.secretExpiresAt ?? null,
      consent: opts.consent ?? true,
      groupConsent: opts.groupConsent ?? true,
    };
    this.apps.set(app.clientId, app);
    return { clientId: app.clientId, secret: app.secret };
  }

  addUser(u: Partial<EmulatedUser>): EmulatedUser {
    const known = pickKnown(u);
    const givenName = known.givenName ?? null;
    const surname = known.surname ?? null;
    const id = known.id ?? randomUUID();
    const local =
      [givenName, surname]
        .filter((s): s is string => s !== null)
        .join('.')
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z0-9.]/g, '') || `user${this.store.size + 1}`;
    const user: EmulatedUser = {
      id,
      givenName,
      surname,
      displayName:
        known.displayName !== undefined
          ? known.displayName
          : [givenName, surname].filter((s) => s !== null).join(' ') || null,
      mail: known.mail ?? null,
      userPrincipalName: known.userPrincipalName ?? `${local}.${id.slice(0, 4)}@${this.domain}`,
      accountEnabled: known.accountEnabled ?? true,
      userType: known.userType ?? 'Member',
      jobTitle: known.jobTitle ?? null,
      companyName: known.companyName ?? null,
      department: known.department ?? null,
      streetAddress: known.streetAddress ?? null,
      state: known.state ?? null,
      country: known.country ?? null,
      officeLocation: known.officeLocation ?? null,
      city: known.city ?? null,
      postalCode: known.postalCode ?? null,
      employeeType: known.employeeType ?? null,
      employeeOrgData: known.employeeOrgData ?? null,
      onPremisesExtensionAttributes: fullExtensions(known.onPremisesExtensionAttributes),
    };
    this.store.insert(user);
    this.onUserChange?.(user.id, 'updated');
    return { ...user };
  }

  updateUser(id: string, patch: Partial<EmulatedUser>): EmulatedUser {
    const index = this.requireIndex(id, false);
    const current = this.store.at(index) as EmulatedUser;
    const changes = pickKnown(patch);
    // The id is the stable key: a patch never changes it.
    delete changes.id;
    // Graph PATCH of onPremisesExtensionAttributes changes only the attributes it names;
    // employeeOrgData is replaced whole (resources/user.md: omitted keys become null).
    if (changes.onPremisesExtensionAttributes) {
      changes.onPremisesExtensionAttributes = fullExtensions({
        ...current.onPremisesExtensionAttributes,
        ...changes.onPremisesExtensionAttributes,
      });
    }
    const next: EmulatedUser = { ...current, ...changes };
    this.store.replace(index, next);
    this.onUserChange?.(next.id, 'updated');
    return { ...next };
  }

  /**
   * Serves the user with `property` of the wrong type (a number) until its next update: a
   * malformed entry, which the client must report per user and never treat as a deletion.
   */
  corruptUser(id: string, property: string): void {
    const index = this.requireIndex(id, false);
    const copy = { ...(this.store.at(index) as EmulatedUser) };
    corrupted.set(copy, property);
    this.store.replace(index, copy);
  }

  disableUser(id: string): void {
    this.updateUser(id, { accountEnabled: false });
  }

  enableUser(id: string): void {
    this.updateUser(id, { accountEnabled: true });
  }

  softDeleteUser(id: string): void {
    const index = this.requireIndex(id, false);
    if (this.store.stateAt(index) !== LIVE) throw new UnknownUserError(id);
    this.store.setState(index, SOFT_DELETED);
    this.onUserChange?.(id, 'updated');
  }

  restoreUser(id: string): void {
    const index = this.requireIndex(id, true);
    if (this.store.stateAt(index) !== SOFT_DELETED) {
      throw new Error(`user ${id} is not in deleted items`);
    }
    this.store.setState(index, LIVE);
    this.onUserChange?.(id, 'updated');
  }

  hardDeleteUser(id: string): void {
    const index = this.requireIndex(id, true);
    this.store.setState(index, HARD_DELETED);
    this.onUserChange?.(id, 'deleted');
  }

  getUser(id: string): EmulatedUser | undefined {
    const index = this.store.indexOf(id);
    if (index === undefined || this.store.stateAt(index) !== LIVE) return undefined;
    const user = this.store.at(index);
    return user ? { ...user } : undefined;
  }

  /** True when the user is in deleted items (soft-deleted, restorable). */
  isSoftDeleted(id: string): boolean {
    const index = this.store.indexOf(id);
    return index !== undefined && this.store.stateAt(index) === SOFT_DELETED;
  }

  *users(): IterableIterator<EmulatedUser> {
    for (let i = 0; i < this.store.size; i++) {
      const user = this.store.at(i);
      if (user && this.store.stateAt(i) === LIVE) yield { ...user };
    }
  }

  count(): number {
    return this.store.live;
  }

  generate(n: number, seed: number = this.seed): void {
    for (const user of generateUsers(n, seed, this.domain, this.generatorState)) {
      this.store.insert(user, true);
    }
  }

  addGroup(displayName: string, id?: string): { id: string; displayName: string } {
    const g = this.groups.add(displayName, id);
    return { id: g.id, displayName: g.displayName };
  }

  addGroupMember(groupId: string, memberId: string): void {
    const type = this.groups.groups.has(memberId) ? 'group' : 'user';
    if (type === 'user') this.requireIndex(memberId, false);
    this.groups.addMember(groupId, memberId, type);
  }

  removeGroupMember(groupId: string, memberId: string): void {
    this.groups.removeMember(groupId, memberId);
  }

  listGroups(): EmulatedGroupSnapshot[] {
    return [...this.groups.groups.values()].map((g) => ({
      id: g.id,
      displayName: g.displayName,
      members: [...g.members].map(([id, type]) => ({ id, type })),
    }));
  }

  expireDeltaTokens(): void {
    this.deltaGeneration += 1;
  }

  /** Record index of a user that is not hard-deleted (soft-deleted only when allowed). */
  private requireIndex(id: string, allowSoftDeleted: boolean): number {
    const index = this.store.indexOf(id);
    if (index === undefined) throw new UnknownUserError(id);
    const state = this.store.stateAt(index);
    if (state === HARD_DELETED || (state === SOFT_DELETED && !allowSoftDeleted)) {
      throw new UnknownUserError(id);
    }
    return index;
  }
}
