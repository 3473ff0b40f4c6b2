import type { GraphSubscription, SubscriptionRequest } from './subscriptions.ts';
/**
 * Shapes the Graph client hands to the rest of the service. Everything here is plain data:
 * parsed, validated and free of Graph's JSON envelope.
 */

/** A group as the scope picker shows it. */
export interface GraphGroup {
  id: string;
  displayName: string;
}

/** A direct member added to (or, `removed`, taken from) a group. `other`: devices, contacts… */
export interface GroupMemberChange {
  id: string;
  type: 'user' | 'group' | 'other';
  removed: boolean;
}

/** One page of a group delta round: groups with (part of) their member changes. */
export interface GroupDeltaPage {
  groups: { id: string; removed: boolean; members: GroupMemberChange[] }[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Where a membership round starts: over these groups from scratch, or from a stored link. */
export type GroupDeltaStart = { deltaLink: string } | { groupIds: readonly string[] };

/** The national clouds of GRAPH.md; each has its own login and Graph host. */
export type GraphCloud = 'global' | 'usgov' | 'usgovdod' | 'china';

/** The properties of SPEC §3 requested on every read, in `$select` order. */
export const USER_PROPERTIES = [
  'id',
  'givenName',
  'surname',
  'displayName',
  'mail',
  'userPrincipalName',
  'accountEnabled',
  'userType',
  'jobTitle',
  'companyName',
  'department',
  'streetAddress',
  'state',
  'country',
  'officeLocation',
  'city',
  'postalCode',
  // Returned only when selected, on /users and /users/delta alike: they are directory
  // properties of Entra's main store, which delta tracks (resources/user.md;
  // concepts/delta-query-overview.md "Properties stored outside of the main data store").
  'employeeType',
  'employeeOrgData',
  'onPremisesExtensionAttributes',
] as const;

/** The 15 properties of onPremisesExtensionAttributes (resources/onpremisesextensionattributes.md). */
export const EXTENSION_ATTRIBUTES = [
  'extensionAttribute1',
  'extensionAttribute2',
  'extensionAttribute3',
  'extensionAttribute4',
  'extensionAttribute5',
  'extensionAttribute6',
  'extensionAttribute7',
  'extensionAttribute8',
  'extensionAttribute9',
  'extensionAttribute10',
  'extensionAttribute11',
  'extensionAttribute12',
  'extensionAttribute13',
  'extensionAttribute14',
  'extensionAttribute15',
] as const;

/** One of `extensionAttribute1`…`15`. */
export type ExtensionAttributeName = (typeof EXTENSION_ATTRIBUTES)[number];

/** `onPremisesExtensionAttributes`: 15 strings (up to 1024 characters), each possibly null. */
export type ExtensionAttributes = { [K in ExtensionAttributeName]: string | null };

/** The properties of employeeOrgData (resources/employeeorgdata.md). */
export const EMPLOYEE_ORG_DATA_KEYS = ['division', 'costCenter'] as const;

/** `employeeOrgData`: null on users that never had it set. */
export type EmployeeOrgData = { [K in (typeof EMPLOYEE_ORG_DATA_KEYS)[number]]: string | null };

/** One Entra user as read from Graph. A property Graph left out reads as `null`. */
export interface GraphUser {
  id: string;
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  mail: string | null;
  userPrincipalName: string | null;
  accountEnabled: boolean | null;
  userType: string | null;
  jobTitle: string | null;
  companyName: string | null;
  department: string | null;
  streetAddress: string | null;
  state: string | null;
  country: string | null;
  officeLocation: string | null;
  city: string | null;
  postalCode: string | null;
  employeeType: string | null;
  employeeOrgData: EmployeeOrgData | null;
  onPremisesExtensionAttributes: ExtensionAttributes | null;
}

/**
 * An entry Graph sent malformed: the object id when it had one, and the first property whose
 * value had the wrong type (or `id` / `@removed` when those were unusable).
 */
export interface InvalidEntry {
  id: string | null;
  property: string;
}

/** One page of `GET /users`. `invalid` lists the entries dropped because they were malformed. */
export interface UsersPage {
  users: GraphUser[];
  invalid: InvalidEntry[];
  nextLink: string | null;
}

/**
 * A user removed from the directory, as reported by delta: `changed` = soft-deleted
 * (restorable for 30 days), `deleted` = permanently deleted.
 */
export interface RemovedUser {
  id: string;
  reason: 'changed' | 'deleted';
}

/**
 * One page of a delta round. The round ends with the page whose `deltaLink` is set: store
 * it only after the whole round has been applied.
 */
export interface DeltaPage {
  users: GraphUser[];
  removed: RemovedUser[];
  invalid: InvalidEntry[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Where a delta round starts: from scratch, or from a stored deltaLink. */
export type DeltaStart = { deltaLink: string } | { initial: true };

/**
 * Something the client did that metrics may count. A 429 (or any answer carrying
 * Retry-After) is reported as `throttled`; every other retry as `retry`.
 */
export interface GraphEvent {
  type: 'request' | 'retry' | 'throttled';
  /** Which service answered: the token endpoint or Graph. */
  target: 'token' | 'graph';
  /** HTTP status when there was an answer; absent for network failures. */
  status?: number;
  /** How long the client waits before the next attempt. */
  waitMs?: number;
}

/** A step of Test connection. */
export interface ConnectionStep {
  /** `notifications`: the public URL answers Graph's validation handshake (issue 16). */
  name: 'token' | 'permission' | 'read-user' | 'group-permission' | 'notifications';
  ok: boolean;
  message: string;
}

/** The result of Test connection: every step, the first failing one explained. */
export interface ConnectionTestResult {
  ok: boolean;
  steps: ConnectionStep[];
}

/** Options shared by the reads that follow pages. */
export interface PagingOptions {
  /** Fetch page N+1 while the consumer works on page N. */
  prefetch?: boolean;
}

/** How `listUsers` reads: all users, or one partition of them. */
export interface ListUsersOptions extends PagingOptions {
  /**
   * Only users whose userPrincipalName starts with this text (Graph compares without regard
   * to case): `$filter=startswith(userPrincipalName,'…')`, kept by Graph in every nextLink.
   */
  upnStartsWith?: string;
}

/** The Graph client of one integration. */
export interface GraphClient {
  /** Every user (or one UPN partition of them), `$top=999` pages of `/v1.0/users`. */
  listUsers(options?: ListUsersOptions): AsyncIterable<UsersPage>;
  /** `GET /users/$count`: how many users the directory holds (eventually consistent). */
  countUsers(): Promise<number>;
  /** One delta round; throws ResyncRequiredError when the stored link is no longer valid. */
  deltaUsers(start: DeltaStart, options?: PagingOptions): AsyncIterable<DeltaPage>;
  /** A deltaLink that tracks changes from now on (`$deltatoken=latest`). */
  latestDeltaLink(): Promise<string>;
  /** One user by object id, or null when Graph does not know it. */
  getUser(id: string): Promise<GraphUser | null>;
  /** token → permission → read one user (→ group permission); stops at the first failing step. */
  testConnection(options?: { groups?: boolean }): Promise<ConnectionTestResult>;
  /** Groups whose display name starts with the text (GroupMember.Read.All). */
  searchGroups(prefix: string): Promise<GraphGroup[]>;
  /** Users in the group, nested groups included. */
  groupUserCount(groupId: string): Promise<number>;
  /** A round of direct-membership changes of the groups; throws ResyncRequiredError on 410. */
  groupMembersDelta(start: GroupDeltaStart): AsyncIterable<GroupDeltaPage>;
  /** Change-notification subscriptions on `users` (issue 16). */
  subscriptions: {
    create(req: SubscriptionRequest): Promise<GraphSubscription>;
    /** PATCH a new expiry; also reauthorizes. A GraphError with httpStatus 404 when gone. */
    renew(id: string, expirationDateTime: string): Promise<GraphSubscription>;
    remove(id: string): Promise<void>;
  };
}
