/**
 * Importing accounts from a CSV file (issue 11 item 1: a centre has hundreds of agents). The
 * first line names the columns: `username,displayName,role` and optionally `unitId`, in any order
 * (a UTF-8 BOM, CRLF and quoted fields with commas or doubled quotes are fine). Every line is
 * checked against the same rules as one account made by hand (username pattern and uniqueness,
 * staff role, the unit a role may carry) before anything is created: one bad line refuses the
 * whole file, with each problem's line number. Passwords are never read from the file: each
 * account gets a generated one, shown once, that must be changed at the first login.
 */
import { USER_ROLES, type UserRole } from '../db/schema.js';
import { isCodedError } from '../errors/index.js';
import { checkAccountUnit, type UnitLookup } from './account-rules.js';
import { USERNAME_PATTERN } from './password-policy.js';

export interface CsvAccount {
  readonly line: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: Exclude<UserRole, 'citizen'>;
  readonly unitId: string | null;
}

export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

/** At most this many accounts per file (a large centre's whole staff, with room). */
export const CSV_MAX_ROWS = 5000;
const STAFF = USER_ROLES.filter((r) => r !== 'citizen');
const REQUIRED = ['username', 'displayName', 'role'] as const;

/** Fields of one CSV record (RFC 4180: quotes, doubled quotes; no line breaks inside a field). */
function fields(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= line.length) return null; // unterminated quote
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else v += line[i++];
      }
      i++;
      out.push(v);
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end).trim());
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** Parse and check the file: the accounts, or every problem found (then nothing may be created). */
export function parseAccountsCsv(
  text: string,
  ctx: { unit: UnitLookup; exists: (username: string) => boolean },
): { ok: true; accounts: CsvAccount[] } | { ok: false; problems: CsvProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: CsvProblem[] = [];
  const header = fields(lines[0] ?? '')?.map((h) => h.trim());
  const missing = REQUIRED.filter((c) => !header?.includes(c));
  const unknown = (header ?? []).filter((h) => !['username', 'displayName', 'role', 'unitId'].includes(h));
  if (!header || missing.length > 0 || unknown.length > 0) {
    const parts = [missing.length ? `missing column(s) ${missing.join(', ')}` : '', unknown.length ? `unknown column(s) ${unknown.join(', ')}` : ''];
    return { ok: false, problems: [{ line: 1, message: `header: ${parts.filter(Boolean).join('; ')} (expected username,displayName,role[,unitId])` }] };
  }
  const col = (row: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (row[i] ?? '').trim();
  };
  const accounts: CsvAccount[] = [];
  const seen = new Map<string, number>();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const row = fields(raw);
    if (!row || row.length > header.length) return problems.push({ line, message: 'not a CSV record with the header’s columns (check quotes and commas)' });
    const username = col(row, 'username');
    const displayName = col(row, 'displayName');
    const role = col(row, 'role');
    const unit = col(row, 'unitId');
    const bad = (message: string) => problems.push({ line, message });
    if (!USERNAME_PATTERN.test(username)) return bad(`username "${username}": letters, digits, . _ -; at most 64; starting with a letter or digit`);
    const first = seen.get(username);
    if (first !== undefined) return bad(`username "${username}" is also on line ${first}`);
    seen.set(username, line);
    if (ctx.exists(username)) return bad(`username "${username}" exists already`);
    if (displayName.length < 1 || displayName.length > 64) return bad('displayName: 1 to 64 characters');
    if (!(STAFF as readonly string[]).includes(role)) return bad(`role "${role}": one of ${STAFF.join(', ')}`);
    try {
      const unitId = checkAccountUnit(role as UserRole, unit === '' ? null : unit, ctx.unit);
      accounts.push({ line, username, displayName, role: role as CsvAccount['role'], unitId });
    } catch (err) {
      if (!isCodedError(err)) throw err;
      bad(`unitId "${unit}": ${err.message}`);
    }
  });
  if (accounts.length + problems.length > CSV_MAX_ROWS)
    return { ok: false, problems: [{ line: 1, message: `more than ${CSV_MAX_ROWS} accounts in one file` }] };
  if (accounts.length === 0 && problems.length === 0) problems.push({ line: 2, message: 'no accounts in the file' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, accounts };
}
