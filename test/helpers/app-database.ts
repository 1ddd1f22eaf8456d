/**
 * The database `testApp` (app.ts) runs the app on. By default a SQLite file in the app's temp
 * folder; with SUNLINE_TEST_DATABASE=postgres a real PostgreSQL (issue 16 item 4: `npm run
 * test:tap:pg` runs the API suites of test/postgres-suites.txt a second time this way).
 *
 * One throwaway server per test process (tools/postgres.ts: Debian's binaries, a temp data
 * directory), started on the first testApp and stopped when the process's root test ends. The
 * migrations run once, into a template database; each testApp gets a fresh copy of it (CREATE
 * DATABASE … TEMPLATE: a file copy, no migrating), dropped at its teardown. A test that names its
 * own data folder or SQLite file (an app restarted on the same data) gets the same database for
 * the same file, kept until the process ends.
 *
 * No leftovers: the root test's teardown stops the server and removes its folder, also after a
 * failing test; if the process dies instead, the kernel kills the server (`setpriv --pdeathsig`)
 * and the next start removes the folder (tools/sandbox-folders.ts).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { openPostgres } from '../../src/db/postgres.js';
import { startPostgres, type PostgresServer } from './postgres.js';

const TEMPLATE = 'sunline_template';

/** Connections per app's pool: a test process may hold several apps on the one server (max_connections 40). */
export const TEST_POOL_SIZE = '4';

/** True when SUNLINE_TEST_DATABASE asks for PostgreSQL; anything but unset, '' or 'sqlite' is refused. */
export function testsOnPostgres(): boolean {
  const wanted = process.env.SUNLINE_TEST_DATABASE ?? '';
  if (wanted === '' || wanted === 'sqlite') return false;
  if (wanted === 'postgres') return true;
  throw new Error(`SUNLINE_TEST_DATABASE=${wanted}: expected postgres or sqlite`);
}

let shared: Promise<PostgresServer> | undefined;
let made = 0;
/** The databases of apps that named their own data: one per SQLite file path. */
const kept = new Map<string, Promise<string>>();

function sharedServer(): Promise<PostgresServer> {
  return (shared ??= (async () => {
    const stops: Array<() => unknown> = [];
    const server = await startPostgres({ teardown: (fn) => stops.push(fn) }, { database: TEMPLATE });
    t.teardown(() => server.stop());
    // Migrated once; CREATE DATABASE … TEMPLATE needs it free of connections, so the pool is closed.
    const handle = await openPostgres({ url: server.url, max: 1 });
    await handle.close();
    return server;
  })());
}

async function admin<T>(server: PostgresServer, sql: string): Promise<T[]> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function urlOf(server: PostgresServer, database: string): string {
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A new database migrated like the template: its URL, and how to drop it. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = await sharedServer();
  const name = `app_${++made}`;
  await admin(server, `create database ${name} template ${TEMPLATE}`);
  return { url: urlOf(server, name), drop: () => admin(server, `drop database if exists ${name} with (force)`).then(() => undefined) };
}

/**
 * The PostgreSQL database of one testApp: a fresh one dropped at teardown, or, when the test
 * chose where the app keeps its data (`ownData`), the one of that SQLite file path.
 */
export async function testDatabase(t: { teardown(fn: () => unknown): void }, dbFile: string, ownData: boolean): Promise<string> {
  if (ownData) {
    let url = kept.get(dbFile);
    if (!url) {
      url = freshDatabase().then((db) => db.url);
      kept.set(dbFile, url);
    }
    return url;
  }
  const db = await freshDatabase();
  t.teardown(db.drop);
  return db.url;
}

/**
 * Runs one statement with `?` parameters on a built app's database, SQLite or PostgreSQL (its own
 * connection, closed after), and returns its rows: what a test writes or reads past the app's API.
 * PostgreSQL gives bigint and count(*) as strings.
 */
export async function appQuery<T = Record<string, unknown>>(app: Sunline, sql: string, params: unknown[] = []): Promise<T[]> {
  if (app.database.dialect === 'sqlite') {
    const statement = app.db.sqlite.prepare(sql);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  }
  const client = new pg.Client({ connectionString: app.env.databaseUrl! });
  await client.connect();
  try {
    let n = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Like appQuery, but on a connection of its own on SQLite too (a second handle on the file):
 * another process's write, such as an admin tool's, that the app is not told about.
 */
export async function queryFromElsewhere<T = Record<string, unknown>>(app: Sunline, sql: string, params: unknown[] = []): Promise<T[]> {
  if (app.database.dialect !== 'sqlite') return appQuery<T>(app, sql, params);
  const other = new Database(app.env.dbFile);
  try {
    const statement = other.prepare(sql);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  } finally {
    other.close();
  }
}

/**
 * Makes every insert into `table` fail with `message` (a trigger, created from another
 * connection) until the returned function drops it: a write the app cannot complete.
 */
export async function failInserts(app: Sunline, table: string, message: string): Promise<() => Promise<void>> {
  if (!/^[a-z_]+$/.test(table) || /'/.test(message)) throw new Error(`failInserts: bad table or message: ${table}, ${message}`);
  const name = `fail_inserts_${table}`;
  if (app.database.dialect === 'sqlite') {
    await queryFromElsewhere(app, `create trigger ${name} before insert on ${table} begin select raise(abort, '${message}'); end`);
    return () => queryFromElsewhere(app, `drop trigger ${name}`).then(() => undefined);
  }
  await appQuery(app, `create function ${name}() returns trigger language plpgsql as $$ begin raise exception '${message}'; end $$`);
  await appQuery(app, `create trigger ${name} before insert on ${table} for each row execute function ${name}()`);
  return async () => {
    await appQuery(app, `drop trigger ${name} on ${table}`);
    await appQuery(app, `drop function ${name}()`);
  };
}

/**
 * Takes the app's database away under it, as a lost disk or database server would: on SQLite its
 * handle is closed; on PostgreSQL the database is dropped (the server ends the app's connections
 * first), so that every statement the app sends after fails.
 */
export async function loseAppDatabase(app: Sunline): Promise<void> {
  if (app.database.dialect === 'sqlite') {
    app.db.close();
    return;
  }
  const url = new URL(app.env.databaseUrl!);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`loseAppDatabase: not a plain database name: ${name}`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`drop database ${name} with (force)`);
  } finally {
    await client.end();
  }
}

/** The app's tables, from the dialect's catalog (sqlite_master, pg_tables), by name; SQLite's own left out. */
export async function appTables(app: Sunline): Promise<string[]> {
  const rows =
    app.database.dialect === 'sqlite'
      ? await appQuery<{ name: string }>(app, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      : await appQuery<{ name: string }>(app, 'select tablename as name from pg_tables where schemaname = current_schema() order by tablename');
  return rows.map((r) => r.name);
}

/**
 * appQuery on one connection kept until the test ends (PostgreSQL; SQLite uses the app's handle as
 * appQuery does): for a test that reads past the API after each of many requests.
 */
export async function appReader(
  t: { teardown(fn: () => unknown): void },
  app: Sunline,
): Promise<<T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>> {
  if (app.database.dialect === 'sqlite') return (sql, params) => appQuery(app, sql, params);
  const client = new pg.Client({ connectionString: app.env.databaseUrl! });
  await client.connect();
  t.teardown(() => client.end());
  // Each statement prepared once on the connection (planned once), as better-sqlite3 would.
  const names = new Map<string, string>();
  return async <T>(sql: string, params: unknown[] = []) => {
    let name = names.get(sql);
    if (!name) names.set(sql, (name = `app_reader_${names.size + 1}`));
    let n = 0;
    return (await client.query({ name, text: sql.replace(/\?/g, () => `$${++n}`), values: params })).rows as T[];
  };
}
