/**
 * Masking of citizens' phone numbers and names before Asterisk events reach the logs
 * (decision 0009 #9). Raw events are logged at debug only, and even then masked: caller ids
 * are personal data under the PIPL.
 */

/** `13812345678` → `138****5678`; short numbers keep only their last two digits. */
export function maskNumber(value: string): string {
  const n = value.length;
  if (n <= 4) return '*'.repeat(n);
  if (n < 11) return '*'.repeat(n - 2) + value.slice(-2);
  return value.slice(0, 3) + '*'.repeat(n - 7) + value.slice(-4);
}

// ARI: CallerID objects ({name, number}) sit under these keys.
const ARI_PARTY_KEYS = new Set(['caller', 'connected']);
// Flat keys holding a caller's number, in ARI (caller_rdnis) and in AMI (keys are lower-cased
// by asterisk-manager).
const NUMBER_KEYS = new Set(['caller_rdnis', 'calleridnum', 'connectedlinenum', 'destcalleridnum', 'destconnectedlinenum', 'callerid', 'rdnis']);
const NAME_KEYS = new Set(['calleridname', 'connectedlinename']);
// Free text that may quote a number, e.g. our own dialplan's NoOp(… from ${CALLERID(num)})
// shows up as AMI Newexten `appdata` and ARI ChannelDialplan `dialplan_app_data`. Ids like
// Uniqueid (1700000000.12) live in other keys, so scrubbing digit runs here is safe.
// Exten is usually a service number (12345) or `agent-7`, but on an outbound callback it is
// the citizen's: treat it as text too.
const TEXT_KEYS = new Set([
  'appdata',
  'app_data',
  'dialplan_app_data',
  'data',
  'value',
  'args',
  'userevent',
  'exten',
  'extension',
  'destexten',
  'dnid',
  'variable',
  'chanvariable',
  'channelvars',
]);
const DIGIT_RUN = /\+?\d{7,}/g;

/** Deep copy of an ARI or AMI event with caller numbers and names masked. */
export function redactNumbers<T>(value: T): T {
  return walk(value, false) as T;
}

function walk(value: unknown, inParty: boolean, inText = false): unknown {
  if (typeof value === 'string') return inText ? value.replace(DIGIT_RUN, maskNumber) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, false, inText));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // Only values with digits are numbers: '<unknown>' stays readable.
    if (typeof v === 'string' && /\d/.test(v) && (NUMBER_KEYS.has(k) || (inParty && k === 'number'))) out[k] = maskNumber(v);
    else if (typeof v === 'string' && v && (NAME_KEYS.has(k) || (inParty && k === 'name'))) out[k] = '***';
    else out[k] = walk(v, ARI_PARTY_KEYS.has(k), inText || TEXT_KEYS.has(k));
  }
  return out;
}
