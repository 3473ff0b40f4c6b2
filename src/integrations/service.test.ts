import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import type { Clock } from '../clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { createSecretBox, SecretUnreadableError } from './secret-box.ts';
import {
  createIntegration,
  deleteIntegration,
  getIntegration,
  getIntegrationById,
  listIntegrations,
  loadCredentials,
  updateIntegration,
  type IntegrationDeps,
} from './service.ts';

const T0 = '2026-03-01T12:00:00.000Z';
const form = {
  name: 'Contoso',
  applicationId: '11111111-2222-3333-4444-555555555555',
  tenantId: 'contoso.onmicrosoft.com',
  unitField: 'department',
  userTypeField: 'jobTitle',
} as const;

describeEachDialect('integration service', (dialect) => {
  let t: TestDatabase;
  let deps: IntegrationDeps;
  const logLines: string[] = [];
  let now = new Date(T0);
  const clock: Clock = { now: () => now };
  const orgA = randomUUID();
  const orgB = randomUUID();
  let canaryCount = 0;
  /** A recognisable secret; every one handed out is checked for leaks at the end. */
  const canary = () => `S3cr3t-canary-${dialect}-${++canaryCount}-${randomUUID()}`;
  const canaries: string[] = [];
  const secret = () => {
    const c = canary();
    canaries.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    deps = {
      db: t.db,
      secretBox: createSecretBox(randomBytes(32)),
      clock,
      log: createLogger('trace', { write: (line: string) => void logLines.push(line) }),
    };
    await t.db
      .insertInto('organizations')
      .values([
        { id: orgA, name: `A-${orgA}`, created_at: T0 },
        { id: orgB, name: `B-${orgB}`, created_at: T0 },
      ])
      .execute();
  });
  afterAll(async () => t.drop());
  beforeEach(() => {
    now = new Date(T0);
  });

  /** Pretends a full run completed: the next one may be incremental. */
  async function markSynced(id: string) {
    await t.db
      .updateTable('integrations')
      .set({
        full_sync_required: 0,
        delta_link: 'https://graph.example/delta?token=abc',
        credential_failures: 3,
        attention_message: 'The secret is wrong',
      })
      .where('id', '=', id)
      .execute();
  }

  async function storedRow(id: string) {
    return t.db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('creates with defaults, seals the secret and requires a full first run', async () => {
    const s = secret();
    const created = await createIntegration(deps, orgA, { ...form, secret: s });
    expect(created).toMatchObject({
      orgId: orgA,
      name: 'Contoso',
      secretSet: true,
      enabled: false,
      cloud: 'global',
      deactivateDisabledUsers: true,
      includeGuests: false,
      deletionThreshold: 500,
      syncIntervalMinutes: 60,
      fullSyncRequired: true,
      deltaLink: null,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(created).not.toHaveProperty('secret');
    const row = await storedRow(created.id);
    expect(row.secret_ciphertext).toMatch(/^v1\./);
    expect(row.secret_ciphertext).not.toContain(s);
    expect(await loadCredentials(t.db, deps.secretBox, created.id)).toEqual({
      cloud: 'global',
      tenantId: 'contoso.onmicrosoft.com',
      applicationId: '11111111-2222-3333-4444-555555555555',
      secret: s,
    });
  });

  it('validates whatever the caller, naming the field', async () => {
    await expect(
      createIntegration(deps, orgA, { ...form, userTypeField: 'department', secret: secret() }),
    ).rejects.toMatchObject({
      status: 400,
      details: { issues: [{ field: 'userTypeField' }] },
    });
  });

  it('PATCH with only a secret replaces the secret and nothing else', async () => {
    const first = secret();
    const created = await createIntegration(deps, orgA, { ...form, secret: first });
    await markSynced(created.id);
    now = new Date('2026-03-02T00:00:00.000Z');
    const second = secret();
    const updated = await updateIntegration(deps, orgA, created.id, { secret: second });
    const { updatedAt, credentialFailures, attentionMessage, ...rest } = updated;
    expect(updatedAt).toBe('2026-03-02T00:00:00.000Z');
    // A new secret is worth a new attempt: the credential back-off starts over.
    expect(credentialFailures).toBe(0);
    expect(attentionMessage).toBeNull();
    // Same tenant, same directory: the delta link stays valid.
    expect(rest).toMatchObject({ fullSyncRequired: false, deltaLink: expect.any(String) });
    expect(rest.name).toBe(created.name);
    expect((await loadCredentials(t.db, deps.secretBox, created.id))?.secret).toBe(second);
  });

  it('PATCH without a secret keeps the stored secret untouched', async () => {
    const s = secret();
    const created = await createIntegration(deps, orgA, { ...form, secret: s });
    const before = (await storedRow(created.id)).secret_ciphertext;
    const updated = await updateIntegration(deps, orgA, created.id, {
      name: '  Renamed ',
      deletionThreshold: 0,
      secretExpiresAt: '2026-12-31',
    });
    expect(updated).toMatchObject({
      name: 'Renamed',
      deletionThreshold: 0,
      secretExpiresAt: '2026-12-31',
      secretSet: true,
    });
    expect((await storedRow(created.id)).secret_ciphertext).toBe(before);
    expect((await loadCredentials(t.db, deps.secretBox, created.id))?.secret).toBe(s);
  });

  it.each([
    ['tenantId', { tenantId: '99999999-8888-7777-6666-555555555555' }],
    ['applicationId', { applicationId: '99999999-8888-7777-6666-555555555555' }],
    ['cloud', { cloud: 'usgov' as const }],
  ])('a change of %s makes the next run full and drops the delta link', async (_f, patch) => {
    const created = await createIntegration(deps, orgA, { ...form, secret: secret() });
    await markSynced(created.id);
    const updated = await updateIntegration(deps, orgA, created.id, patch);
    expect(updated).toMatchObject({ ...patch, fullSyncRequired: true, deltaLink: null });
    const row = await storedRow(created.id);
    expect(row.full_sync_required).toBe(1);
    expect(row.delta_link).toBeNull();
  });

  it.each([
    ['unitField', { unitField: 'city' as const }],
    ['userTypeField', { userTypeField: 'companyName' as const }],
  ])('a change of %s keeps the delta link: the mirror has every field', async (_f, patch) => {
    const created = await createIntegration(deps, orgA, { ...form, secret: secret() });
    await markSynced(created.id);
    const updated = await updateIntegration(deps, orgA, created.id, patch);
    expect(updated).toMatchObject({ ...patch, fullSyncRequired: false });
    expect(updated.deltaLink).not.toBeNull();
  });

  it('enabling a disabled integration makes the next run full; disabling does not', async () => {
    const created = await createIntegration(deps, orgA, { ...form, secret: secret() });
    await markSynced(created.id);
    expect(await updateIntegration(deps, orgA, created.id, { enabled: true })).toMatchObject({
      enabled: true,
      fullSyncRequired: true,
      deltaLink: null,
    });
    await markSynced(created.id);
    expect(await updateIntegration(deps, orgA, created.id, { enabled: false })).toMatchObject({
      enabled: false,
      fullSyncRequired: false,
    });
  });

  it('other changes keep the delta link and the incremental mode', async () => {
    const created = await createIntegration(deps, orgA, { ...form, secret: secret() });
    await markSynced(created.id);
    const updated = await updateIntegration(deps, orgA, created.id, {
      name: 'Other',
      includeGuests: true,
      deactivateDisabledUsers: false,
      deletionThreshold: 10,
      syncIntervalMinutes: 15,
      tenantId: 'CONTOSO.onmicrosoft.com', // the same tenant, differently written
    });
    expect(updated).toMatchObject({
      fullSyncRequired: false,
      deltaLink: 'https://graph.example/delta?token=abc',
      credentialFailures: 3,
    });
  });

  it('validates the merged settings and changes nothing when they are wrong', async () => {
    const created = await createIntegration(deps, orgA, { ...form, secret: secret() });
    const err = await updateIntegration(deps, orgA, created.id, { unitField: 'jobTitle' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details).toEqual({
      issues: [
        { field: 'userTypeField', message: 'The user type field must differ from the unit field' },
      ],
    });
    expect((await getIntegration(t.db, orgA, created.id)).unitField).toBe('department');
  });

  it('scopes everything to the organisation', async () => {
    const mine = await createIntegration(deps, orgB, { ...form, name: 'B only', secret: secret() });
    await expect(getIntegration(t.db, orgA, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateIntegration(deps, orgA, mine.id, { name: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteIntegration(deps, orgA, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listIntegrations(t.db, orgB)).map((i) => i.id)).toEqual([mine.id]);
    expect((await listIntegrations(t.db, orgA)).map((i) => i.id)).not.toContain(mine.id);
    expect((await getIntegration(t.db, orgB, mine.id)).name).toBe('B only');
    expect((await getIntegrationById(t.db, mine.id))?.orgId).toBe(orgB);
    expect(await getIntegrationById(t.db, randomUUID())).toBeNull();
  });

  it('delete keeps the users: unlinks them and turns managed memberships into manual ones', async () => {
    const doomed = await createIntegration(deps, orgA, { ...form, secret: secret() });
    const kept = await createIntegration(deps, orgA, { ...form, name: 'Kept', secret: secret() });
    const unit = randomUUID();
    const type = randomUUID();
    await t.db
      .insertInto('units')
      .values({
        id: unit,
        org_id: orgA,
        name: 'Store',
        name_key: 'store',
        parent_id: null,
        created_at: T0,
      })
      .execute();
    await t.db
      .insertInto('user_types')
      .values({ id: type, org_id: orgA, name: 'Employee', name_key: 'employee', created_at: T0 })
      .execute();
    const user = (n: string, integrationId: string) => ({
      id: randomUUID(),
      org_id: orgA,
      first_name: n,
      last_name: 'Test',
      email: `${n}-${randomUUID()}@example.com`,
      status: 'active' as const,
      deactivated_at: null,
      deactivation_reason: null,
      purge_after: null,
      source_integration_id: integrationId,
      source_external_id: randomUUID(),
      assigned: 1,
      created_at: T0,
      updated_at: T0,
    });
    const linked = user('linked', doomed.id);
    const other = user('other', kept.id);
    await t.db.insertInto('users').values([linked, other]).execute();
    const m1 = randomUUID();
    const m2 = randomUUID();
    await t.db
      .insertInto('memberships')
      .values([
        { id: m1, user_id: linked.id, unit_id: unit, managed_by: doomed.id, created_at: T0 },
        { id: m2, user_id: other.id, unit_id: unit, managed_by: kept.id, created_at: T0 },
      ])
      .execute();
    await t.db
      .insertInto('membership_user_types')
      .values([
        { membership_id: m1, user_type_id: type },
        { membership_id: m2, user_type_id: type },
      ])
      .execute();
    await t.db
      .insertInto('entra_users')
      .values({
        integration_id: doomed.id,
        external_id: linked.source_external_id,
        email: linked.email,
        data: '{}',
        removed: 0,
        removed_reason: null,
        last_run_id: null,
        todo: 0,
        outcome: null,
        invalid_property: null,
        changed_at: null,
        updated_at: T0,
      })
      .execute();
    const runId = randomUUID();
    await t.db
      .insertInto('sync_runs')
      .values({
        id: runId,
        integration_id: doomed.id,
        org_id: orgA,
        trigger: 'manual',
        mode: 'full',
        dry_run: 0,
        status: 'running',
        queued_at: T0,
      })
      .execute();

    // A run in progress would link users again right after: refused with 409.
    await expect(deleteIntegration(deps, orgA, doomed.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await getIntegrationById(t.db, doomed.id)).not.toBeNull();
    await t.db
      .updateTable('sync_runs')
      .set({ status: 'succeeded' })
      .where('id', '=', runId)
      .execute();

    now = new Date('2026-03-05T00:00:00.000Z');
    await deleteIntegration(deps, orgA, doomed.id);

    expect(await getIntegrationById(t.db, doomed.id)).toBeNull();
    const users = await t.db
      .selectFrom('users')
      .selectAll()
      .where('id', 'in', [linked.id, other.id])
      .orderBy('first_name')
      .execute();
    expect(users.map((u) => [u.first_name, u.status, u.source_integration_id, u.assigned])).toEqual(
      [
        ['linked', 'active', null, 1],
        ['other', 'active', kept.id, 1],
      ],
    );
    expect(users[0]?.source_external_id).toBeNull();
    expect(users[0]?.updated_at).toBe('2026-03-05T00:00:00.000Z');
    const memberships = await t.db
      .selectFrom('memberships')
      .select(['id', 'managed_by'])
      .where('id', 'in', [m1, m2])
      .orderBy('id')
      .execute();
    expect(Object.fromEntries(memberships.map((m) => [m.id, m.managed_by]))).toEqual({
      [m1]: null,
      [m2]: kept.id,
    });
    const types = await t.db
      .selectFrom('membership_user_types')
      .select('membership_id')
      .where('membership_id', '=', m1)
      .execute();
    expect(types).toHaveLength(1);
    const leftovers = await Promise.all([
      t.db
        .selectFrom('entra_users')
        .select('external_id')
        .where('integration_id', '=', doomed.id)
        .execute(),
      t.db.selectFrom('sync_runs').select('id').where('integration_id', '=', doomed.id).execute(),
    ]);
    expect(leftovers).toEqual([[], []]);
  });

  it('loadCredentials: null when gone, SecretUnreadableError when the envelope was moved', async () => {
    expect(await loadCredentials(t.db, deps.secretBox, randomUUID())).toBeNull();
    const a = await createIntegration(deps, orgA, { ...form, secret: secret() });
    const b = await createIntegration(deps, orgA, { ...form, secret: secret() });
    const envelopeA = (await storedRow(a.id)).secret_ciphertext;
    await t.db
      .updateTable('integrations')
      .set({ secret_ciphertext: envelopeA })
      .where('id', '=', b.id)
      .execute();
    await expect(loadCredentials(t.db, deps.secretBox, b.id)).rejects.toBeInstanceOf(
      SecretUnreadableError,
    );
  });

  it('never lets a secret reach the logs or any stored column in clear', async () => {
    // Runs last: every canary handed out above must be absent everywhere.
    expect(canaries.length).toBeGreaterThan(5);
    expect(logLines.some((l) => l.includes('integration created'))).toBe(true);
    expect(logLines.some((l) => l.includes('integration updated'))).toBe(true);
    const logText = logLines.join('\n');
    const tables = await t.db.introspection.getTables();
    const dump: string[] = [];
    for (const table of tables) {
      const rows = await t.db
        .selectFrom(table.name as 'integrations')
        .selectAll()
        .execute();
      dump.push(JSON.stringify(rows));
    }
    const dbText = dump.join('\n');
    expect(dbText).toContain('contoso.onmicrosoft.com'); // the dump really holds the data
    for (const c of canaries) {
      expect(logText).not.toContain(c);
      expect(dbText).not.toContain(c);
    }
    if (dialect === 'sqlite') {
      // The raw files, write-ahead log included: free pages and WAL frames keep old bytes.
      const path = t.url.slice('sqlite:'.length);
      const files = [path, `${path}-wal`].filter((f) => existsSync(f));
      expect(files).toContain(`${path}-wal`);
      const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
      expect(bytes.includes(Buffer.from('contoso.onmicrosoft.com'))).toBe(true);
      for (const c of canaries) expect(bytes.includes(Buffer.from(c))).toBe(false);
    }
  });
});
