/**
 * One typed function per REST call the panel makes (SPEC §6). Pages call these, never
 * fetch directly, so the API surface the panel depends on is listed in one place.
 */
import { ApiError, itemsOf, query, request, runIdOf } from './api.ts';
import type { ImpactView } from './lib/impact.ts';
import type {
  Integration,
  IntegrationInput,
  Page,
  Run,
  RunChange,
  Session,
  TestResult,
  Unit,
  User,
  UserType,
} from './types.ts';

const id = encodeURIComponent;

// --- session -------------------------------------------------------------------------

/** Signs in; the server sets the session cookie. */
export async function login(email: string, password: string): Promise<void> {
  await request('POST', '/auth/login', { email, password }, { quiet401: true });
}

export async function logout(): Promise<void> {
  await request('POST', '/auth/logout', {}, { quiet401: true });
}

/** The signed-in administrator, or null when there is no valid session. */
export async function me(): Promise<Session | null> {
  try {
    return await request<Session>('GET', '/auth/me', undefined, { quiet401: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

// --- integrations --------------------------------------------------------------------

export async function listIntegrations(): Promise<Integration[]> {
  return itemsOf<Integration>(await request('GET', '/integrations'));
}

export function getIntegration(integrationId: string): Promise<Integration> {
  return request('GET', `/integrations/${id(integrationId)}`);
}

export function createIntegration(input: IntegrationInput): Promise<Integration> {
  return request('POST', '/integrations', input);
}

export function updateIntegration(
  integrationId: string,
  input: Partial<IntegrationInput>,
): Promise<Integration> {
  return request('PATCH', `/integrations/${id(integrationId)}`, input);
}

export async function deleteIntegration(integrationId: string): Promise<void> {
  await request('DELETE', `/integrations/${id(integrationId)}`);
}

export function testIntegration(integrationId: string): Promise<TestResult> {
  return request('POST', `/integrations/${id(integrationId)}/test`, {});
}

/** Result of asking for a run: the new run, or the one already running (409). */
export interface StartedRun {
  runId: string;
  alreadyRunning: boolean;
}

/** Starts a run (`{full:true}` or `{dryRun:true}`); a 409 yields the run in progress. */
export async function startSync(
  integrationId: string,
  options: { full?: boolean; dryRun?: boolean },
): Promise<StartedRun> {
  try {
    const body = await request<unknown>('POST', `/integrations/${id(integrationId)}/sync`, options);
    const runId = runIdOf(body);
    if (!runId) throw new Error('The server did not say which run it started.');
    return { runId, alreadyRunning: false };
  } catch (err) {
    const runId = err instanceof ApiError && err.status === 409 ? runIdOf(err.body) : null;
    if (runId) return { runId, alreadyRunning: true };
    throw err;
  }
}

export async function listRuns(integrationId: string, limit?: number): Promise<Run[]> {
  return itemsOf<Run>(
    await request('GET', `/integrations/${id(integrationId)}/runs${query({ limit })}`),
  );
}

// --- runs ----------------------------------------------------------------------------

export function getRun(runId: string): Promise<Run> {
  return request('GET', `/runs/${id(runId)}`);
}

export function listRunChanges(
  runId: string,
  cursor: string | null,
  limit = 50,
  filter: { action?: string; q?: string } = {},
): Promise<Page<RunChange>> {
  return request(
    'GET',
    `/runs/${id(runId)}/changes${query({ limit, cursor, action: filter.action, q: filter.q })}`,
  );
}

export async function approveDeletions(runId: string): Promise<void> {
  await request('POST', `/runs/${id(runId)}/approve-deletions`, {});
}

// --- impact before commit (issue 17) -------------------------------------------------

export function integrationImpact(
  integrationId: string,
  patch: Record<string, unknown>,
): Promise<ImpactView> {
  return request('POST', `/integrations/${id(integrationId)}/impact`, patch);
}

export function unitImpact(
  body:
    | { action: 'create'; name: string; parentId: string | null }
    | { action: 'rename'; unitId: string; name: string }
    | { action: 'move'; unitId: string; parentId: string | null }
    | { action: 'delete'; unitId: string },
): Promise<ImpactView> {
  return request('POST', '/units/impact', body);
}

export function userTypeImpact(
  body:
    | { action: 'create'; name: string }
    | { action: 'rename'; userTypeId: string; name: string }
    | { action: 'delete'; userTypeId: string },
): Promise<ImpactView> {
  return request('POST', '/user-types/impact', body);
}

// --- users ---------------------------------------------------------------------------

export type UserTab = 'all' | 'unassigned' | 'deactivated';

/** One page of users for a tab, search text and cursor. */
export function listUsers(
  tab: UserTab,
  q: string,
  cursor: string | null,
  limit = 50,
  /** Only members (managed or manual) of this unit. */
  unitId: string | null = null,
): Promise<Page<User>> {
  const filter =
    tab === 'unassigned'
      ? { assignment: 'unassigned' }
      : tab === 'deactivated'
        ? { status: 'deactivated' }
        : {};
  return request('GET', `/users${query({ ...filter, q: q.trim(), limit, cursor, unitId })}`);
}

export function getUser(userId: string): Promise<User> {
  return request('GET', `/users/${id(userId)}`);
}

export function createUser(input: {
  firstName: string;
  lastName: string;
  email: string;
}): Promise<User> {
  return request('POST', '/users', input);
}

export function updateUser(
  userId: string,
  input: { firstName?: string; lastName?: string; email?: string },
): Promise<User> {
  return request('PATCH', `/users/${id(userId)}`, input);
}

export async function deactivateUser(userId: string): Promise<void> {
  await request('POST', `/users/${id(userId)}/deactivate`, {});
}

export async function reactivateUser(userId: string): Promise<void> {
  await request('POST', `/users/${id(userId)}/reactivate`, {});
}

export async function putMembership(
  userId: string,
  unitId: string,
  userTypeIds: string[],
): Promise<void> {
  await request('PUT', `/users/${id(userId)}/memberships/${id(unitId)}`, { userTypeIds });
}

export async function deleteMembership(userId: string, unitId: string): Promise<void> {
  await request('DELETE', `/users/${id(userId)}/memberships/${id(unitId)}`);
}

// --- units and user types ------------------------------------------------------------

export async function listUnits(): Promise<Unit[]> {
  return itemsOf<Unit>(await request('GET', '/units'));
}

export function createUnit(name: string, parentId: string | null): Promise<Unit> {
  return request('POST', '/units', parentId ? { name, parentId } : { name });
}

export function updateUnit(
  unitId: string,
  input: { name?: string; parentId?: string | null },
): Promise<Unit> {
  return request('PATCH', `/units/${id(unitId)}`, input);
}

export async function deleteUnit(unitId: string): Promise<void> {
  await request('DELETE', `/units/${id(unitId)}`);
}

export async function listUserTypes(): Promise<UserType[]> {
  return itemsOf<UserType>(await request('GET', '/user-types'));
}

export function createUserType(name: string): Promise<UserType> {
  return request('POST', '/user-types', { name });
}

export function renameUserType(userTypeId: string, name: string): Promise<UserType> {
  return request('PATCH', `/user-types/${id(userTypeId)}`, { name });
}

export async function deleteUserType(userTypeId: string): Promise<void> {
  await request('DELETE', `/user-types/${id(userTypeId)}`);
}

// --- run history, paged (issue 17) -----------------------------------------------------

/** One page of an integration's run history, newest first; `cursor` from the page before. */
export function listRunsPage(
  integrationId: string,
  cursor: string | null,
  limit: number,
): Promise<{ items: Run[]; nextCursor: string | null }> {
  return request('GET', `/integrations/${id(integrationId)}/runs${query({ limit, cursor })}`);
}
