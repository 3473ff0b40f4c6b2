/**
 * One typed function per REST call the panel makes (SPEC §6). Pages call these, never
 * fetch directly, so the API surface the panel depends on is listed in one place.
 */
import type { z } from 'zod';
import type {
  settingsImpactBody,
  unitImpactBody,
  userTypeImpactBody,
} from '../../src/http/impact-schemas.ts';
import type {
  createUnitBody,
  createUserBody,
  createUserTypeBody,
  loginBody,
  membershipBody,
  renameUserTypeBody,
  updateUnitBody,
  updateUserBody,
} from '../../src/http/schemas.ts';
import { ApiError, query, request, runIdOf } from './api.ts';
import type {
  ImpactView,
  Integration,
  IntegrationInput,
  IntegrationPatch,
  Run,
  RunChangesPage,
  Session,
  StartRunBody,
  TestResult,
  Unit,
  UnitWithCounts,
  User,
  UserDetail,
  UserType,
} from './types.ts';

const id = encodeURIComponent;

// --- session -------------------------------------------------------------------------

/** Signs in; the server sets the session cookie. */
export async function login(email: string, password: string): Promise<void> {
  const body: z.input<typeof loginBody> = { email, password };
  await request('POST', '/auth/login', body, { quiet401: true });
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

export function listIntegrations(): Promise<Integration[]> {
  return request('GET', '/integrations');
}

export function getIntegration(integrationId: string): Promise<Integration> {
  return request('GET', `/integrations/${id(integrationId)}`);
}

export function createIntegration(input: IntegrationInput): Promise<Integration> {
  return request('POST', '/integrations', input);
}

export function updateIntegration(
  integrationId: string,
  input: IntegrationPatch,
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
export async function startSync(integrationId: string, options: StartRunBody): Promise<StartedRun> {
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
  const page = await request<{ items: Run[] }>(
    'GET',
    `/integrations/${id(integrationId)}/runs${query({ limit })}`,
  );
  return page.items;
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
): Promise<RunChangesPage> {
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
  patch: z.input<typeof settingsImpactBody>,
): Promise<ImpactView> {
  return request('POST', `/integrations/${id(integrationId)}/impact`, patch);
}

export function unitImpact(body: z.input<typeof unitImpactBody>): Promise<ImpactView> {
  return request('POST', '/units/impact', body);
}

export function userTypeImpact(body: z.input<typeof userTypeImpactBody>): Promise<ImpactView> {
  return request('POST', '/user-types/impact', body);
}

// --- users ---------------------------------------------------------------------------

export function getUser(userId: string): Promise<UserDetail> {
  return request('GET', `/users/${id(userId)}`);
}

export function createUser(input: z.input<typeof createUserBody>): Promise<User> {
  return request('POST', '/users', input);
}

export function updateUser(userId: string, input: z.input<typeof updateUserBody>): Promise<User> {
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
  const body: z.input<typeof membershipBody> = { userTypeIds };
  await request('PUT', `/users/${id(userId)}/memberships/${id(unitId)}`, body);
}

export async function deleteMembership(userId: string, unitId: string): Promise<void> {
  await request('DELETE', `/users/${id(userId)}/memberships/${id(unitId)}`);
}

// --- units and user types ------------------------------------------------------------

export function listUnits(): Promise<UnitWithCounts[]> {
  return request('GET', '/units');
}

export function createUnit(name: string, parentId: string | null): Promise<Unit> {
  const body: z.input<typeof createUnitBody> = parentId ? { name, parentId } : { name };
  return request('POST', '/units', body);
}

export function updateUnit(unitId: string, input: z.input<typeof updateUnitBody>): Promise<Unit> {
  return request('PATCH', `/units/${id(unitId)}`, input);
}

export async function deleteUnit(unitId: string): Promise<void> {
  await request('DELETE', `/units/${id(unitId)}`);
}

export function listUserTypes(): Promise<UserType[]> {
  return request('GET', '/user-types');
}

export function createUserType(name: string): Promise<UserType> {
  const body: z.input<typeof createUserTypeBody> = { name };
  return request('POST', '/user-types', body);
}

export function renameUserType(userTypeId: string, name: string): Promise<UserType> {
  const body: z.input<typeof renameUserTypeBody> = { name };
  return request('PATCH', `/user-types/${id(userTypeId)}`, body);
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
