/** The accounts and sessions repository on SQLite (users-store.ts; the async port: db/sqlite-async.ts). */
import type Database from 'better-sqlite3';
import { and, desc, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { adminAudit, sessions, users } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import type { AuditEntry } from './admin-audit.js';
import {
  accountWriteError,
  type AuditQuery,
  type NewAuditRow,
  type NewSessionRow,
  type NewUserRow,
  type UserChange,
  type UserRow,
  type UsersQueries,
  type UsersStore,
} from './users-store.js';

/** The session check's join, prepared once per connection: building it as a drizzle query cost more than running it. */
function prepareSessionRow(db: Db) {
  return db
    .select({ user: users, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder('hash')), eq(users.disabled, false)))
    .prepare();
}
type SessionRowStatement = ReturnType<typeof prepareSessionRow>;

class SqliteUsersQueries implements UsersQueries {
  constructor(
    private readonly conn: SqliteConn,
    private readonly sessionRow: (db: Db) => SessionRowStatement,
  ) {}

  userById(id: number): Promise<UserRow | undefined> {
    return this.conn.run((db) => db.select().from(users).where(eq(users.id, id)).get());
  }

  userByUsername(username: string): Promise<UserRow | undefined> {
    return this.conn.run((db) => db.select().from(users).where(eq(users.username, username)).get());
  }

  insertUser(row: NewUserRow): Promise<UserRow> {
    return this.conn.run((db) => db.insert(users).values(row).returning().get()).catch((err: unknown) => Promise.reject(accountWriteError(err) as Error));
  }

  updateUser(id: number, change: UserChange): Promise<UserRow | undefined> {
    return this.conn
      .run((db) => db.update(users).set(change).where(eq(users.id, id)).returning().get())
      .catch((err: unknown) => Promise.reject(accountWriteError(err) as Error));
  }

  listUsers(exceptUsername: string): Promise<UserRow[]> {
    return this.conn.run((db) => db.select().from(users).where(ne(users.username, exceptUsername)).orderBy(users.username).all());
  }

  hasEnabledAdmin(exceptUsername: string): Promise<boolean> {
    return this.conn.run(
      (db) =>
        db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.username, exceptUsername)))
          .get() !== undefined,
    );
  }

  insertSession(row: NewSessionRow): Promise<void> {
    return this.conn.run((db) => {
      db.insert(sessions).values(row).run();
    });
  }

  sessionByTokenHash(tokenHash: string): Promise<{ user: UserRow; expiresAt: number } | undefined> {
    return this.conn.run((db) => this.sessionRow(db).get({ hash: tokenHash }));
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.conn.run((db) => {
      db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    });
  }

  deleteSessionsOf(userId: number, exceptTokenHash?: string): Promise<number> {
    const where = exceptTokenHash === undefined ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.tokenHash, exceptTokenHash));
    return this.conn.run((db) => db.delete(sessions).where(where).run().changes);
  }

  deleteSessionsExpiredBefore(now: number): Promise<number> {
    return this.conn.run((db) => db.delete(sessions).where(lt(sessions.expiresAt, now)).run().changes);
  }

  insertAudit(row: NewAuditRow): Promise<void> {
    return this.conn.run((db) => {
      db.insert(adminAudit).values(row).run();
    });
  }

  listAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const where = and(
      q.beforeId === undefined ? undefined : lt(adminAudit.id, q.beforeId),
      q.targetUserId === undefined ? undefined : eq(adminAudit.targetUserId, q.targetUserId),
    );
    return this.conn.run((db) => db.select().from(adminAudit).where(where).orderBy(desc(adminAudit.id)).limit(q.limit).all());
  }
}

export function sqliteUsersStore(db: SqliteAsyncDb): UsersStore {
  const statements = new WeakMap<Db, SessionRowStatement>();
  const sessionRow = (conn: Db): SessionRowStatement => {
    let s = statements.get(conn);
    if (!s) statements.set(conn, (s = prepareSessionRow(conn)));
    return s;
  };
  // The read connection object is one and the same for every read: its queries are made once.
  const readQueries = new WeakMap<SqliteConn, UsersQueries>();
  const forRead = (conn: SqliteConn): UsersQueries => {
    let q = readQueries.get(conn);
    if (!q) readQueries.set(conn, (q = new SqliteUsersQueries(conn, sessionRow)));
    return q;
  };
  const client = (db.writer as unknown as { $client?: Database.Database }).$client;
  // data_version on the writer: it moves when another connection (another process, such as
  // `sunline users disable`) commits; never for our own read connection, which writes nothing.
  const dataVersion = client?.prepare<[], number>('pragma data_version').pluck();
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(forRead(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteUsersQueries(tx, sessionRow))),
    commitsElsewhere: () => dataVersion?.get(),
  };
}
