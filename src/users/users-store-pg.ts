/** The accounts and sessions repository on PostgreSQL (users-store.ts; the async port: db/postgres-async.ts). */
import { and, desc, eq, lt, ne } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { adminAudit, sessions, users } from '../db/schema-pg.js';
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

class PgUsersQueries implements UsersQueries {
  constructor(private readonly db: PgConn) {}

  async userById(id: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  async userByUsername(username: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.username, username)).limit(1);
    return row;
  }

  async insertUser(row: NewUserRow): Promise<UserRow> {
    try {
      const [created] = await this.db.insert(users).values(row).returning();
      return created!;
    } catch (err) {
      throw accountWriteError(err);
    }
  }

  async updateUser(id: number, change: UserChange): Promise<UserRow | undefined> {
    try {
      const [row] = await this.db.update(users).set(change).where(eq(users.id, id)).returning();
      return row;
    } catch (err) {
      throw accountWriteError(err);
    }
  }

  listUsers(exceptUsername: string): Promise<UserRow[]> {
    return this.db.select().from(users).where(ne(users.username, exceptUsername)).orderBy(users.username);
  }

  async hasEnabledAdmin(exceptUsername: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.username, exceptUsername)))
      .limit(1);
    return rows.length > 0;
  }

  async insertSession(row: NewSessionRow): Promise<void> {
    await this.db.insert(sessions).values(row);
  }

  async sessionByTokenHash(tokenHash: string): Promise<{ user: UserRow; expiresAt: number } | undefined> {
    const [row] = await this.db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), eq(users.disabled, false)));
    return row;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }

  async deleteSessionsOf(userId: number, exceptTokenHash?: string): Promise<number> {
    const where = exceptTokenHash === undefined ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.tokenHash, exceptTokenHash));
    return (await this.db.delete(sessions).where(where)).rowCount ?? 0;
  }

  async deleteSessionsExpiredBefore(now: number): Promise<number> {
    return (await this.db.delete(sessions).where(lt(sessions.expiresAt, now))).rowCount ?? 0;
  }

  async insertAudit(row: NewAuditRow): Promise<void> {
    await this.db.insert(adminAudit).values(row);
  }

  listAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const where = and(
      q.beforeId === undefined ? undefined : lt(adminAudit.id, q.beforeId),
      q.targetUserId === undefined ? undefined : eq(adminAudit.targetUserId, q.targetUserId),
    );
    return this.db.select().from(adminAudit).where(where).orderBy(desc(adminAudit.id)).limit(q.limit);
  }
}

/**
 * The channel migrations-pg/0029's triggers NOTIFY when what the session check reads changes: a
 * session deleted (or its token, user or expiry changed), an account's name, role, unit, password,
 * disabled or must-change-password flag changed.
 */
export const USERS_CHANGED_CHANNEL = 'sunline_users';

/**
 * `commitsElsewhere`: a count of the notifications on USERS_CHANGED_CHANNEL (a CommitSignal,
 * src/db/postgres-commit-signal.ts, opened by src/wiring/database.ts); without one, undefined.
 */
export function pgUsersStore(db: PostgresAsyncDb, commitsElsewhere: () => number | undefined = () => undefined): UsersStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgUsersQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgUsersQueries(tx))),
    // PostgreSQL's data_version (decision 0017): LISTEN/NOTIFY tells of another process's commit
    // to sessions or accounts (another node, `sunline users disable`, a DBA) within a round trip,
    // and the session cache starts over. Another node's revocations also come through Redis
    // (src/realtime/cluster-sessions.ts), which applies them to sockets without a database read.
    commitsElsewhere,
  };
}
