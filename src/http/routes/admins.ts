import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addAdmin, changePassword, listAdmins, removeAdmin } from '../../auth/admins.ts';
import type { AppContext } from '../../context.ts';
import { tokenOf } from '../auth-hook.ts';
import {
  addAdminBody,
  addedAdminView,
  adminView,
  changePasswordBody,
} from '../automation-schemas.ts';
import { idParams } from '../schemas.ts';
import { adminOf, type ApiApp } from '../types.ts';

function describeAdd(request: FastifyRequest) {
  return { details: { email: (request.body as z.infer<typeof addAdminBody>).email.toLowerCase() } };
}

/**
 * Platform administrators of the organisation (issue 15): list, add with a one-time password,
 * remove (never the last), and change one's own password. Session-only: no API token may
 * manage administrators.
 */
export function registerAdminRoutes(app: ApiApp, ctx: AppContext): void {
  app.get(
    '/admins',
    {
      config: { sessionOnly: true },
      schema: {
        tags: ['admins'],
        operationId: 'listAdmins',
        summary: "The organisation's platform administrators",
        response: { 200: z.array(adminView) },
      },
    },
    async (request) => {
      const me = adminOf(request);
      return (await listAdmins(ctx.db, me.orgId)).map((a) => ({
        id: a.id,
        email: a.email,
        createdAt: a.createdAt,
        you: a.id === me.adminId,
      }));
    },
  );

  app.post(
    '/admins',
    {
      config: { sessionOnly: true, audit: { action: 'admin.added', describe: describeAdd } },
      schema: {
        tags: ['admins'],
        operationId: 'addAdmin',
        summary: 'Add an administrator; the answer carries a one-time password to hand over',
        body: addAdminBody,
        response: { 201: addedAdminView },
      },
    },
    async (request, reply) => {
      const me = adminOf(request);
      const { admin, password } = await addAdmin(ctx.db, me.orgId, request.body.email, {
        now: ctx.clock.now(),
      });
      return reply.code(201).send({
        id: admin.id,
        email: admin.email,
        createdAt: admin.createdAt,
        you: false,
        oneTimePassword: password,
      });
    },
  );

  app.delete(
    '/admins/:id',
    {
      config: { sessionOnly: true, audit: { action: 'admin.removed' } },
      schema: {
        tags: ['admins'],
        operationId: 'removeAdmin',
        summary: 'Remove an administrator and end its sessions (409 for the last one)',
        params: idParams,
        response: { 204: z.null().describe('Removed') },
      },
    },
    async (request, reply) => {
      await removeAdmin(ctx.db, adminOf(request).orgId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/auth/password',
    {
      config: { sessionOnly: true, audit: { action: 'auth.password-changed' } },
      schema: {
        tags: ['auth'],
        operationId: 'changePassword',
        summary: "Change one's own password (current one required); ends one's other sessions",
        body: changePasswordBody,
        response: { 200: z.object({ endedSessions: z.number().int() }) },
      },
    },
    async (request) => {
      const me = adminOf(request);
      return changePassword(ctx.db, me.adminId, {
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        // The cookie or bearer of this request stays valid; every other session ends.
        keepToken: tokenOf(request),
      });
    },
  );
}
