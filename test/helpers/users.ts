/** UsersService on an open SQLite database, built as app.ts builds it (the asynchronous port, decision 0017). */
import type { DbHandle } from '../../src/db/connection.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { sqliteUsersStore, UsersService } from '../../src/users/index.js';

type Rest = ConstructorParameters<typeof UsersService> extends [unknown, ...infer R] ? R : never;

/** Its read-only connection closes with `t`'s teardown. */
export function usersOn(t: { teardown(fn: () => unknown): void }, handle: DbHandle, ...rest: Rest): UsersService {
  const db = sqliteAsync(handle);
  t.teardown(() => db.close());
  return new UsersService(sqliteUsersStore(db), ...rest);
}
