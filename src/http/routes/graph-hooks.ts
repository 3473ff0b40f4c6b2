/**
 * The URLs Microsoft Graph calls (issue 16): `POST /api/hooks/graph/notifications` and
 * `POST /api/hooks/graph/lifecycle`. They belong to Graph, not to the panel: outside
 * `/api/v1`, so no session cookie, API token or CSRF rule applies or is looked at; what
 * authenticates a notification is its subscription id and clientState (inbox.ts).
 *
 * Followed: concepts/change-notifications-delivery-webhooks.md (validation: echo the
 * URL-decoded `validationToken` as text/plain with 200 within 10 s; answer 202 within 3 s
 * and process later) and concepts/change-notifications-lifecycle-events.md.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  MalformedNotificationError,
  receiveNotifications,
  type InboxDeps,
  type InboxResult,
  type NotificationKind,
} from '../../notifications/inbox.ts';
import { HOOKS_PREFIX } from '../../notifications/hook-urls.ts';

/**
 * Largest notification POST read. Graph's notifications without resource data are under
 * 1 KiB each; 256 KiB holds hundreds of them, and a bigger body is refused (413) unread.
 */
export const HOOK_BODY_LIMIT = 256 * 1024;
/** Validation tokens are short; a long one is not Graph's. */
const VALIDATION_TOKEN_MAX = 1024;

export interface GraphHookDeps extends InboxDeps {
  /** Metrics. */
  onReceived?: (kind: NotificationKind, result: InboxResult) => void;
}

/** Registers both hook routes on the root app (call before `listen`). */
export function registerGraphHooks(app: FastifyInstance, deps: GraphHookDeps): void {
  void app.register(
    async (scope) => {
      // Every media type reaches the handler as raw bytes (bounded), so it can answer the
      // validation handshake (text/plain) and refuse anything but JSON with a 415 itself.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      const kinds: [string, NotificationKind][] = [
        ['/notifications', 'change'],
        ['/lifecycle', 'lifecycle'],
      ];
      for (const [path, kind] of kinds) {
        scope.post(
          path,
          { schema: { hide: true }, bodyLimit: HOOK_BODY_LIMIT },
          async (request, reply) => {
            const query = request.query as Record<string, unknown>;
            const token = query.validationToken;
            if (token !== undefined) return validation(reply, token);
            const type = request.headers['content-type'] ?? '';
            if (!/^application\/json\s*(;|$)/i.test(type)) {
              return refuse(reply, 415, 'unsupported_media_type', 'Notifications are JSON');
            }
            let json: unknown;
            try {
              json = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
            } catch {
              return refuse(reply, 400, 'invalid_json', 'The body is not JSON');
            }
            let result: InboxResult;
            try {
              result = await receiveNotifications(deps, kind, json);
            } catch (err) {
              if (err instanceof MalformedNotificationError) {
                return refuse(reply, 400, 'invalid_notification', 'Expected {"value":[…]}');
              }
              throw err;
            }
            deps.onReceived?.(kind, result);
            if (result.accepted === 0) {
              // Nothing ours: unknown subscription or wrong clientState. Graph never gets this
              // for a live subscription of ours, so a 403 costs a real sender nothing.
              return refuse(
                reply,
                403,
                'notification_refused',
                'Unknown subscription or clientState',
              );
            }
            // Recorded; the run is requested by the notification manager after the debounce.
            return reply.code(202).send();
          },
        );
      }
    },
    { prefix: HOOKS_PREFIX },
  );
}

function validation(reply: FastifyReply, token: unknown): FastifyReply {
  if (typeof token !== 'string' || token.length === 0 || token.length > VALIDATION_TOKEN_MAX) {
    return refuse(reply, 400, 'invalid_validation_token', 'validationToken is malformed');
  }
  // Fastify already URL-decoded the query string, as Graph requires the echo to be.
  return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(token);
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}
