import type { EmulatedSubscription } from './subscription-store.ts';
/**
 * Public types of the Graph emulator. Other modules (Graph client tests, demo, benchmarks)
 * code against these, so keep them stable.
 */

/** One Entra user with exactly the Graph properties the product reads (SPEC §3). */
export interface EmulatedUser {
  id: string;
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean | null;
  userType: 'Member' | 'Guest';
  jobTitle: string | null;
  companyName: string | null;
  department: string | null;
  streetAddress: string | null;
  state: string | null;
  country: string | null;
  officeLocation: string | null;
  city: string | null;
  postalCode: string | null;
  /** `Employee`, `Contractor`, … (resources/user.md: returned only on $select). */
  employeeType: string | null;
  /** null until set; Graph replaces both keys on update (resources/user.md). */
  employeeOrgData: EmulatedEmployeeOrgData | null;
  /** null = none set; served as an object of 15 nulls, as Graph does. */
  onPremisesExtensionAttributes: EmulatedExtensionAttributes | null;
}

/** `employeeOrgData` (resources/employeeorgdata.md). */
export interface EmulatedEmployeeOrgData {
  division: string | null;
  costCenter: string | null;
}

/** `extensionAttribute1`…`extensionAttribute15`. */
export type ExtensionAttributeKey = `extensionAttribute${
  1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15}`;

/** `onPremisesExtensionAttributes` (resources/onpremisesextensionattributes.md); absent keys are null. */
export type EmulatedExtensionAttributes = Readonly<
  Partial<Record<ExtensionAttributeKey, string | null>>
>;

/** Names of the user properties, in Graph's spelling. */
export type UserProperty = keyof EmulatedUser;

/** An app registration in an emulated tenant. */
export interface EmulatedAppCredentials {
  clientId: string;
  secret: string;
}

/** Options for a new app registration. */
export interface AddAppOptions {
  clientId?: string;
  secret?: string;
  /** After this instant the token endpoint answers AADSTS7000222. */
  secretExpiresAt?: Date;
  /** Admin consent for User.Read.All (default true); false → Graph answers 403. */
  consent?: boolean;
  /** Admin consent for GroupMember.Read.All (default true); false → group endpoints answer 403. */
  groupConsent?: boolean;
}

/** Realistic irregularities of delta rounds, off by default. */
export interface DeltaOddities {
  /** Probability (0..1) that an entry is emitted a second time in the same round. */
  duplicates?: number;
  /** Shuffle entries within each page. */
  shuffle?: boolean;
}

/** A group and its direct members, nested groups as members of type `group`. */
export interface EmulatedGroupSnapshot {
  id: string;
  displayName: string;
  members: { id: string; type: 'user' | 'group' }[];
}

/** A fake Entra tenant: its users, apps and delta state. */
export interface EmulatedTenant {
  readonly id: string;
  readonly domain: string;
  readonly defaultApp: EmulatedAppCredentials;
  deltaOddities: DeltaOddities;
  /**
   * How many users `GET /users/$count` leaves out (default 0): Graph counts from an
   * eventually consistent index, which can lag behind the directory for a while.
   */
  usersCountLag: number;
  addApp(opts?: AddAppOptions): EmulatedAppCredentials;
  addUser(u: Partial<EmulatedUser>): EmulatedUser;
  updateUser(id: string, patch: Partial<EmulatedUser>): EmulatedUser;
  disableUser(id: string): void;
  enableUser(id: string): void;
  softDeleteUser(id: string): void;
  restoreUser(id: string): void;
  hardDeleteUser(id: string): void;
  getUser(id: string): EmulatedUser | undefined;
  users(): IterableIterator<EmulatedUser>;
  count(): number;
  generate(n: number, seed?: number): void;
  /** A group (security or Microsoft 365: the sync reads both alike). */
  addGroup(displayName: string, id?: string): { id: string; displayName: string };
  /** Adds a user or a group (nested) as a direct member. */
  addGroupMember(groupId: string, memberId: string): void;
  removeGroupMember(groupId: string, memberId: string): void;
  /** Every group with its direct members (the demo saves them with its tenant file). */
  listGroups(): EmulatedGroupSnapshot[];
  expireDeltaTokens(): void;
}

/** What a fault does to the request it hits. */
export type FaultKind = '429' | '503' | '504' | 'reset' | 'stall' | 'truncated';

/** A scripted fault. */
export interface FaultRule {
  kind: FaultKind;
  /**
   * Request path the rule applies to, without query string; `*` matches any characters, so
   * the token endpoint of every tenant is `*` followed by `/oauth2/v2.0/token`.
   * Default: every Graph path (those starting with `/v1.0/`).
   */
  path?: string;
  /** HTTP method, default any. */
  method?: string;
  /** Fire on the nth matching request counted from when the rule was added (1-based, default 1). */
  nth?: number;
  /**
   * Text the request's decoded query string must contain (e.g.
   * `startswith(userPrincipalName,'j')` to fail one partition of a full listing). Default:
   * any query.
   */
  query?: string;
  /** How many consecutive matching requests fire, starting at the nth (default 1). */
  times?: number;
  /** Seconds for the Retry-After header (429 default 1; 503 none unless given). */
  retryAfter?: number;
  /** For `stall`: how long to hold the request before dropping the socket (default 30 s). */
  stallMs?: number;
}

/** Options of random faults. */
export interface RandomFaultOptions {
  /** Kinds to draw from; default 429, 503, 504, reset, truncated (stall only when listed). */
  kinds?: FaultKind[];
  /** Also hit the token endpoint (default false: Graph paths only). */
  tokenEndpoint?: boolean;
  /** Retry-After seconds for random 429s (default 0.1 so tests stay quick). */
  retryAfter?: number;
}

/** Injects faults into emulator responses. */
export interface FaultController {
  /** Random faults with probability r per request, reproducible with a seed. */
  setRate(r: number, seed?: number, options?: RandomFaultOptions): void;
  /** Adds a scripted fault. */
  script(rule: FaultRule): void;
  /** Removes all scripted and random faults. */
  clear(): void;
  /** Faults injected so far (scripted and random), for assertions. */
  readonly injected: number;
}

/** One entry of the request log. Status 0 means the socket was dropped without an answer. */
export interface RequestLogEntry {
  method: string;
  path: string;
  /** The decoded query string without its `?` ('' when none), e.g. to tell partitions apart. */
  query: string;
  status: number;
  at: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** 0 = free port (default). */
  port?: number;
  /** Listen address, default 127.0.0.1. */
  host?: string;
  /** Default true; plain http when false. */
  https?: boolean;
  /** Added to every request. */
  latencyMs?: number;
  /** 0..1 random faults on Graph paths (seeded). */
  faultRate?: number;
  /** Generator and fault randomness. */
  seed?: number;
  /** Generate this many users into the default tenant (default 0). */
  users?: number;
  /** Server-chosen delta page size (default 200). */
  deltaPageSize?: number;
  /** Maximum entries kept in the request log (default 10,000). */
  requestLogSize?: number;
  /**
   * Accept `http://` notification URLs on 127.0.0.1/localhost (default false: https only,
   * as Graph requires). For tests and the demo, where the service has no certificate.
   */
  allowHttpNotificationUrls?: boolean;
}

/** A change-notification subscription as the emulator holds it (times in ms). */
export type EmulatedSubscriptionInfo = EmulatedSubscription;

/** Graph's lifecycle events (concepts/change-notifications-lifecycle-events.md). */
export type EmulatedLifecycleEvent = 'subscriptionRemoved' | 'reauthorizationRequired' | 'missed';

/** Subscriptions and notification delivery of a running emulator. */
export interface SubscriptionController {
  /** Live subscriptions of every tenant. */
  list(): EmulatedSubscriptionInfo[];
  /**
   * Sends a lifecycle event to the subscription's lifecycleNotificationUrl;
   * `subscriptionRemoved` also deletes it, `reauthorizationRequired` holds change
   * notifications back until the app renews or reauthorizes. False for an unknown id.
   */
  lifecycle(id: string, event: EmulatedLifecycleEvent): Promise<boolean>;
  /** Notifications delivered, dropped, POSTs made, lifecycle events accepted. */
  readonly stats: { delivered: number; dropped: number; posts: number; lifecycle: number };
  /** false: changes are dropped instead of sent (an endpoint Graph cannot reach). */
  setDeliveryEnabled(enabled: boolean): void;
}

/** A running emulator. */
export interface Emulator {
  /** E.g. https://127.0.0.1:54321 — both AZURE_AUTHORITY_HOST and GRAPH_ENDPOINT. */
  readonly origin: string;
  /** The CA a client must trust (empty with plain http). */
  readonly caCertPem: string;
  /** The same, written to a temp file (for NODE_EXTRA_CA_CERTS); empty with plain http. */
  readonly caCertFile: string;
  /** The default tenant. */
  readonly tenant: EmulatedTenant;
  createTenant(opts?: { id?: string; domain?: string }): EmulatedTenant;
  /** Looks a tenant up by GUID or domain. */
  findTenant(idOrDomain: string): EmulatedTenant | undefined;
  readonly faults: FaultController;
  /** Bounded log of token and Graph requests (control API calls are not logged). */
  readonly requestLog: ReadonlyArray<RequestLogEntry>;
  /** Moves the emulator clock forward (access-token expiry, 7-day delta-token age). */
  advanceTime(ms: number): void;
  /** Change-notification subscriptions (POST /v1.0/subscriptions) and their delivery. */
  readonly subscriptions: SubscriptionController;
  close(): Promise<void>;
}
