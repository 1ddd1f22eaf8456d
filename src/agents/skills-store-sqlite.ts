/** The agents' skills repository on SQLite (skills-store.ts; the async port: db/sqlite-async.ts). */
import { eq, inArray } from 'drizzle-orm';
import { adminAudit, agentSkills, users, type UserRole } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import type { NewAuditRow } from '../users/users-store.js';
import type { AgentSkill } from '../contract/index.js';
import type { AgentSkillRow, SkillsQueries, SkillsStore } from './skills-store.js';

class SqliteSkillsQueries implements SkillsQueries {
  constructor(private readonly conn: SqliteConn) {}

  // No FOR UPDATE in SQLite: a transaction holds the writer lock (sqlite-async.ts) from BEGIN IMMEDIATE to COMMIT.
  roleForUpdate(userId: number): Promise<UserRole | undefined> {
    return this.conn.run((db) => db.select({ role: users.role }).from(users).where(eq(users.id, userId)).get()?.role);
  }

  skillsOf(agentIds: readonly number[]): Promise<AgentSkillRow[]> {
    return this.conn.run((db) =>
      db
        .select()
        .from(agentSkills)
        .where(inArray(agentSkills.agentId, [...agentIds]))
        .orderBy(agentSkills.level, agentSkills.skill)
        .all(),
    );
  }

  deleteSkillsOf(agentId: number): Promise<void> {
    return this.conn.run((db) => {
      db.delete(agentSkills).where(eq(agentSkills.agentId, agentId)).run();
    });
  }

  insertSkills(agentId: number, skills: readonly AgentSkill[]): Promise<void> {
    return this.conn.run((db) => {
      db.insert(agentSkills)
        .values(skills.map((s) => ({ agentId, skill: s.skill, level: s.level })))
        .run();
    });
  }

  insertAudit(row: NewAuditRow): Promise<void> {
    return this.conn.run((db) => {
      db.insert(adminAudit).values(row).run();
    });
  }
}

export function sqliteSkillsStore(db: SqliteAsyncDb): SkillsStore {
  // The read connection object is one and the same for every read: its queries are made once.
  const readQueries = new WeakMap<SqliteConn, SkillsQueries>();
  const forRead = (conn: SqliteConn): SkillsQueries => {
    let q = readQueries.get(conn);
    if (!q) readQueries.set(conn, (q = new SqliteSkillsQueries(conn)));
    return q;
  };
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(forRead(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteSkillsQueries(tx))),
  };
}
