import { z } from 'zod';
import { API_TOKEN_SCOPES, MAX_TOKEN_DAYS } from '../auth/api-tokens.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/admins.ts';
import { emailSchema, nameSchema } from './schemas.ts';

/**
 * The contract of the automation routes (tokens, administrators, audit log): the server
 * validates and serialises with these, and the panel takes its types from them
 * (`z.infer`), so no shape is declared twice.
 */

export const tokenScopeSchema = z.enum(API_TOKEN_SCOPES);

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  scope: tokenScopeSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const createTokenBody = z.strictObject({
  name: nameSchema,
  scope: tokenScopeSchema,
  /** Days until it expires (1–366). */
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
});

/** The one answer that carries the token's value. */
export const createdTokenView = tokenView.extend({
  token: z.string().describe('The token value: shown once, never again'),
});

export const adminView = z.object({
  id: z.string(),
  email: z.string(),
  createdAt: z.string(),
  /** True for the administrator making the request. */
  you: z.boolean(),
});

export const addAdminBody = z.strictObject({ email: emailSchema });

export const addedAdminView = adminView.extend({
  oneTimePassword: z
    .string()
    .describe('Initial password to hand to the new administrator: shown once, never again'),
});

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
});

export const auditEntryView = z.object({
  id: z.string(),
  occurredAt: z.string(),
  actor: z.object({
    type: z.enum(['admin', 'token', 'anonymous']),
    id: z.string().nullable(),
    label: z.string(),
  }),
  ip: z.string().nullable(),
  action: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  target: z.record(z.string(), z.string()).nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(200).optional(),
  actor: z.string().trim().min(1).max(320).optional(),
  action: z.string().trim().min(1).max(100).optional(),
});

export const auditPageView = z.object({
  items: z.array(auditEntryView),
  nextCursor: z.string().nullable(),
});

export type TokenView = z.infer<typeof tokenView>;
export type CreateTokenBody = z.infer<typeof createTokenBody>;
export type CreatedTokenView = z.infer<typeof createdTokenView>;
export type AdminView = z.infer<typeof adminView>;
export type AddedAdminView = z.infer<typeof addedAdminView>;
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;
export type AuditEntryView = z.infer<typeof auditEntryView>;
export type AuditPageView = z.infer<typeof auditPageView>;
