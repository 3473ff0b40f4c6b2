import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeEachDialect,
  createTestDatabase,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { migrateToLatest } from './migrate.ts';

describeEachDialect('migrations', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t.drop());

  it('creates every table and is a no-op when run again', async () => {
    const tables = (await t.db.introspection.getTables()).map((x) => x.name);
    for (const name of [
      'organizations',
      'users',
      'memberships',
      'integrations',
      'sync_runs',
      'run_changes',
      'entra_users',
    ]) {
      expect(tables).toContain(name);
    }
    expect(await migrateToLatest(t)).toEqual([]);
  });
});
