/**
 * Calls of the automation screens (API tokens, administrators, audit log). Their shapes come
 * from the server's own zod schemas (src/http/automation-schemas.ts) as types only, so the
 * panel and the API cannot drift apart and no zod code reaches the bundle.
 */
import type {
  AddedAdminView,
  AdminView,
  AuditPageView,
  ChangePasswordBody,
  CreatedTokenView,
  CreateTokenBody,
  TokenView,
} from '../../src/http/automation-schemas.ts';
import { query, request } from './api.ts';

const id = encodeURIComponent;

export function listTokens(): Promise<TokenView[]> {
  return request('GET', '/tokens');
}

export function createToken(input: CreateTokenBody): Promise<CreatedTokenView> {
  return request('POST', '/tokens', input);
}

export function revokeToken(tokenId: string): Promise<TokenView> {
  return request('DELETE', `/tokens/${id(tokenId)}`);
}

export function listAdmins(): Promise<AdminView[]> {
  return request('GET', '/admins');
}

export function addAdmin(email: string): Promise<AddedAdminView> {
  return request('POST', '/admins', { email });
}

export async function removeAdmin(adminId: string): Promise<void> {
  await request('DELETE', `/admins/${id(adminId)}`);
}

export function changePassword(input: ChangePasswordBody): Promise<{ endedSessions: number }> {
  return request('PUT', '/auth/password', input);
}

export function listAudit(params: {
  cursor: string | null;
  actor: string;
  action: string;
  limit?: number;
}): Promise<AuditPageView> {
  return request(
    'GET',
    `/audit${query({
      cursor: params.cursor,
      actor: params.actor.trim(),
      action: params.action.trim(),
      limit: params.limit ?? 50,
    })}`,
  );
}
