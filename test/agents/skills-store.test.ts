/**
 * The agents' skills repository's contract (issue 16, decision 0017), run on both databases: the
 * same checks against SQLite (a temp file, migrations/) and a real PostgreSQL (tools/postgres.ts,
 * migrations-pg/), each subtest on a database of its own (test/helpers/async-dialects.ts), through
 * AgentSkillsService and its store as the app uses them; accounts are made through the users store
 * on the same port.
 */
import t from 'tap';
import { AgentSkillsService, SkillsError } from '../../src/agents/skills.js';
import { sqliteSkillsStore } from '../../src/agents/skills-store-sqlite.js';
import { pgSkillsStore } from '../../src/agents/skills-store-pg.js';
import type { SkillsStore } from '../../src/agents/skills-store.js';
import type { UserRole } from '../../src/db/schema.js';
import { pgUsersStore, sqliteUsersStore, UsersService, type UsersStore } from '../../src/users/index.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

interface Rig {
  readonly store: SkillsStore;
  readonly users: UsersStore;
}

const rigOn = (d: DialectDb): Rig =>
  d.dialect === 'sqlite' ? { store: sqliteSkillsStore(d.db), users: sqliteUsersStore(d.db) } : { store: pgSkillsStore(d.db), users: pgUsersStore(d.db) };

/** The accounts a subtest needs: an administrator who acts, an agent, a shift lead, a dispatcher. */
async function accounts(users: UsersService) {
  const make = (username: string, role: UserRole) => users.create({ username, displayName: username, role, password: 'Correct-Horse-9' });
  return {
    admin: await make('admin-1', 'admin'),
    agent: await make('agent-1', 'agent'),
    lead: await make('lead-1', 'shift_lead'),
    dispatcher: await make('disp-1', 'dispatcher'),
  };
}

/** The store with each transaction held open at `gate` once its function is done (its writes made, not committed). */
function heldBeforeCommit(store: SkillsStore, gate: Promise<void>, reached: () => void): SkillsStore {
  return {
    ...store,
    transaction: (fn) =>
      store.transaction(async (tx) => {
        const result = await fn(tx);
        reached();
        await gate;
        return result;
      }),
  };
}

const skillAudit = async (users: UsersService, targetUserId: number) =>
  (await users.auditLog({ limit: 20, targetUserId })).filter((a) => a.action === 'user.skills').map((a) => ({ actorId: a.actorId, details: a.details }));

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const database = await setup(t, 'skills-store');
    const open = async (t: Parameters<typeof database>[0]) => rigOn(await database(t));

    t.test('set, of and forAgents: the set replaced, best level first, each change audited with it', async (t) => {
      const rig = await open(t);
      const users = new UsersService(rig.users, 60_000);
      const { admin, agent, lead } = await accounts(users);
      const skills = new AgentSkillsService(rig.store, () => 5_000);
      t.same(await skills.of(agent.id), [], 'none yet');
      t.same(await skills.forAgents([]), new Map(), 'no agents: nothing read');

      const set = await skills.set(
        agent.id,
        [
          { skill: 'hrss', level: 2 },
          { skill: 'dialect-wu', level: 1 },
          { skill: 'enterprise', level: 2 },
        ],
        { actorId: admin.id, details: { by: 'admin' } },
      );
      const stored = [
        { skill: 'dialect-wu', level: 1 },
        { skill: 'enterprise', level: 2 },
        { skill: 'hrss', level: 2 },
      ];
      t.same(set, stored, 'the set as stored: by level, then by skill');
      t.same(await skills.of(agent.id), stored);
      t.same(await skills.set(lead.id, [{ skill: 'hrss', level: 1 }], { actorId: admin.id }), [{ skill: 'hrss', level: 1 }], 'shift leads carry skills too');

      const both = await skills.forAgents([agent.id, lead.id, admin.id, 999_999]);
      t.same([...both.keys()].sort(), [agent.id, lead.id].sort(), 'only agents with skills are in the map');
      t.same(both.get(agent.id), stored);
      t.same(both.get(lead.id), [{ skill: 'hrss', level: 1 }]);

      t.same(await skills.set(agent.id, [{ skill: 'enterprise', level: 3 }], { actorId: lead.id, details: { by: 'shift_lead' } }), [
        { skill: 'enterprise', level: 3 },
      ]);
      t.same(await skills.set(agent.id, [], { actorId: admin.id }), [], 'an empty set clears them');
      t.same(await skills.of(agent.id), []);

      t.same(
        await skillAudit(users, agent.id),
        [
          { actorId: admin.id, details: { from: 'enterprise:3', to: '' } },
          { actorId: lead.id, details: { by: 'shift_lead', from: 'dialect-wu:1, enterprise:2, hrss:2', to: 'enterprise:3' } },
          { actorId: admin.id, details: { by: 'admin', from: '', to: 'hrss:2, dialect-wu:1, enterprise:2' } },
        ],
        'one row per change, newest first, with the set before and after',
      );
      const [row] = await users.auditLog({ limit: 1, targetUserId: agent.id });
      t.equal(row!.at, 5_000, 'at the service clock');
    });

    t.test('SKILLS_NOT_AGENT for other roles and unknown accounts; nothing written', async (t) => {
      const rig = await open(t);
      const users = new UsersService(rig.users, 60_000);
      const { admin, dispatcher } = await accounts(users);
      const skills = new AgentSkillsService(rig.store);
      for (const id of [dispatcher.id, admin.id, 999_999]) {
        const refused = await skills.set(id, [{ skill: 'hrss', level: 1 }], { actorId: admin.id }).catch((err: unknown) => err);
        t.ok(refused instanceof SkillsError, `user ${id}: the domain error`);
        t.match(refused, { code: 'SKILLS_NOT_AGENT', statusCode: 409 });
        t.same(await skills.of(id), []);
      }
      t.same(
        (await users.auditLog({ limit: 50 })).filter((a) => a.action === 'user.skills'),
        [],
        'no audit row of a refused change',
      );
    });

    t.test('the change and its audit row are one: a failing audit insert leaves the old skills', async (t) => {
      const rig = await open(t);
      const users = new UsersService(rig.users, 60_000);
      const { admin, agent } = await accounts(users);
      const skills = new AgentSkillsService(rig.store);
      await skills.set(agent.id, [{ skill: 'hrss', level: 1 }], { actorId: admin.id });
      // No such actor: the audit row's foreign key fails, after the delete and the insert ran.
      const failed = await skills
        .set(
          agent.id,
          [
            { skill: 'enterprise', level: 2 },
            { skill: 'dialect-wu', level: 1 },
          ],
          { actorId: 999_999 },
        )
        .catch((err: unknown) => err);
      t.ok(failed instanceof Error, 'the change fails');
      t.notOk(failed instanceof SkillsError, 'with the database’s error, not a domain refusal');
      t.same(await skills.of(agent.id), [{ skill: 'hrss', level: 1 }], 'the old skills, whole');
      t.same(await skillAudit(users, agent.id), [{ actorId: admin.id, details: { from: '', to: 'hrss:1' } }], 'and no audit row of it');
      // The database is usable afterwards.
      t.same(await skills.set(agent.id, [{ skill: 'enterprise', level: 2 }], { actorId: admin.id }), [{ skill: 'enterprise', level: 2 }]);
    });

    t.test('while a change is open, reads answer at once with the committed set; two changes of one agent run one after the other', async (t) => {
      const rig = await open(t);
      const users = new UsersService(rig.users, 60_000);
      const { admin, agent, lead } = await accounts(users);
      const skills = new AgentSkillsService(rig.store);
      await skills.set(agent.id, [{ skill: 'dialect-wu', level: 1 }], { actorId: admin.id });

      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reached!: () => void;
      const written = new Promise<void>((resolve) => (reached = resolve));
      // A's change and audit row are written; its commit waits on the gate (opened from a timer below).
      const a = new AgentSkillsService(heldBeforeCommit(rig.store, gate, reached)).set(agent.id, [{ skill: 'hrss', level: 1 }], { actorId: admin.id });
      await written;
      t.same(
        await skills.of(agent.id),
        [{ skill: 'dialect-wu', level: 1 }],
        'a read (the offer path’s) sees the committed set, not A’s open change, without waiting for it',
      );
      let bDone = false;
      const b = skills.set(agent.id, [{ skill: 'enterprise', level: 2 }], { actorId: lead.id }).then((r) => {
        bDone = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      t.equal(bDone, false, 'B waits for A');
      setTimeout(release, 10);
      t.same(await a, [{ skill: 'hrss', level: 1 }]);
      t.same(await b, [{ skill: 'enterprise', level: 2 }], 'B replaced A’s set, not merged with it');
      t.same(await skills.of(agent.id), [{ skill: 'enterprise', level: 2 }]);
      t.same(
        (await skillAudit(users, agent.id)).map((r) => r.details),
        [
          { from: 'hrss:1', to: 'enterprise:2' },
          { from: 'dialect-wu:1', to: 'hrss:1' },
          { from: '', to: 'dialect-wu:1' },
        ],
        'B’s “before” is A’s set: the audit rows chain',
      );
    });
  });
}
