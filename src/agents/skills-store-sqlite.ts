/** The agents' skills repository on SQLite (skills-store.ts; the async port: db/sqlite-async.ts). */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { adminAudit, agentSkills, users } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import { skillsOfRows, type AgentSkillRow, type SkillsChange, type SkillsNow, type SkillsQueries, type SkillsStore } from './skills-store.js';

const selectSkills = (db: Db, agentIds: readonly number[]): AgentSkillRow[] =>
  db
    .select()
    .from(agentSkills)
    .where(inArray(agentSkills.agentId, [...agentIds]))
    .orderBy(agentSkills.level, agentSkills.skill)
    .all();

class SqliteSkillsQueries implements SkillsQueries {
  constructor(private readonly conn: SqliteConn) {}

  skillsOf(agentIds: readonly number[]): Promise<AgentSkillRow[]> {
    return this.conn.run((db) => selectSkills(db, agentIds));
  }

  // One run(): every statement of the change with no await between them. No FOR UPDATE in
  // SQLite: a transaction holds the writer lock (sqlite-async.ts) from BEGIN IMMEDIATE to COMMIT.
  replaceSkills(agentId: number, decide: (now: SkillsNow) => SkillsChange): Promise<AgentSkillRow[]> {
    return this.conn.run((db) => {
      const role = db.select({ role: users.role }).from(users).where(eq(users.id, agentId)).get()?.role;
      const change = decide({ role, skills: skillsOfRows(selectSkills(db, [agentId])) });
      db.delete(agentSkills).where(eq(agentSkills.agentId, agentId)).run();
      if (change.skills.length > 0)
        db.insert(agentSkills)
          .values(change.skills.map((s) => ({ agentId, skill: s.skill, level: s.level })))
          .run();
      db.insert(adminAudit).values(change.audit).run();
      return selectSkills(db, [agentId]);
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
