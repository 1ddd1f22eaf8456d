/**
 * numbers.yaml: which dialled number means which hotline. The seven former department
 * hotlines all land in the one 12345 service; the number dialled still decides the
 * greeting, the skill the call is tagged with and its queue priority.
 */
import { z } from 'zod';
import { asArray, asRecord, phoneNumber, skillTag, soundName, text, unitCode, type CheckContext, type DeepReadonly } from './common.js';

const HotlineSchema = z.strictObject({
  number: phoneNumber,
  name: z.strictObject({ zh: text, en: text }),
  unit: z.strictObject({ code: unitCode, name: text }),
  greeting: z.strictObject({ prompt: soundName, fallback: soundName.optional() }),
  skill: skillTag,
  /** Added to the caller's queue priority in app_queue (higher is answered first). */
  priorityBoost: z.int().min(0).max(100).default(0),
  /** Seconds this hotline's calls wait for an agent with its skill before any free agent takes them (decision 0015); default: the file's `overflowSeconds`. */
  overflowSeconds: z.int().min(0).max(600).optional(),
});

/** The hotline a number not listed is handled as, when numbers.yaml does not say. */
const DEFAULT_NUMBER = '12345';

export const NumbersSchema = z.strictObject({
  /** A call whose dialled number is not listed (trunk misconfiguration) is handled as this one. */
  defaultNumber: phoneNumber.default(DEFAULT_NUMBER),
  /** Skill routing's overflow (decision 0015): after this many seconds in the queue any free agent takes a call, whatever its skill. 0 turns skill routing off. */
  overflowSeconds: z.int().min(0).max(600).default(10),
  numbers: z.array(HotlineSchema).min(1),
});

export type Hotline = DeepReadonly<z.output<typeof HotlineSchema>>;
export type NumbersConfig = DeepReadonly<z.output<typeof NumbersSchema>>;

/**
 * The numbers our dialplan's [from-trunk] context sends to the server (`exten => _123XX`, also
 * behind an area-code prefix): a listed number outside it never arrives. Kept in step with
 * dialplan/extensions.conf by test/config/dialplan-pattern.test.ts.
 */
export const DIALPLAN_INBOUND_PATTERN = '_123XX';
const INBOUND_RE = /^123[0-9]{2}$/;

/**
 * Cross-field checks. They run on the raw data even when the schema failed, so one
 * `config check` run lists every mistake, not just the first kind.
 */
export function checkNumbers(raw: unknown, { report, lineOf }: CheckContext): void {
  const root = asRecord(raw);
  if (!root) return;
  const firstAt = new Map<string, number>();
  asArray(root.numbers).forEach((item, i) => {
    const n = asRecord(item)?.number;
    if (typeof n !== 'string' && typeof n !== 'number') return;
    const key = String(n);
    if (typeof n === 'string' && /^[0-9]{3,20}$/.test(n) && !INBOUND_RE.test(n)) {
      report(
        ['numbers', i, 'number'],
        `numbers[${i}].number: "${key}" never reaches the server: the dialplan (dialplan/extensions.conf, [from-trunk]) routes only ${DIALPLAN_INBOUND_PATTERN} (five digits starting with 123)`,
      );
    }
    const first = firstAt.get(key);
    if (first === undefined) firstAt.set(key, i);
    else report(['numbers', i, 'number'], `numbers[${i}].number: duplicate number "${key}" (first defined at line ${lineOf(['numbers', first, 'number'])})`);
  });
  const def = root.defaultNumber ?? DEFAULT_NUMBER;
  if (typeof def === 'string' && firstAt.size > 0 && !firstAt.has(def)) {
    // Without the key, the default must be listed too: an unlisted dialled number would otherwise go to whichever hotline comes first.
    const what = root.defaultNumber === undefined ? `"${def}" (the default when defaultNumber is not given)` : `"${def}"`;
    report(['defaultNumber'], `defaultNumber: ${what} is not one of the numbers listed under "numbers"`);
  }
}

/** Seconds a call of `hotline` waits for an agent with its skill (decision 0015). */
export function overflowSecondsOf(cfg: NumbersConfig, hotline: Hotline): number {
  return hotline.overflowSeconds ?? cfg.overflowSeconds;
}

/** The hotline for a dialled number, or the default one when the number is not listed. */
export function hotlineFor(cfg: NumbersConfig, dialled: string): Hotline {
  const hit = cfg.numbers.find((h) => h.number === dialled) ?? cfg.numbers.find((h) => h.number === cfg.defaultNumber);
  // The checks guarantee defaultNumber is listed; numbers[0] only guards a hand-built config.
  return hit ?? (cfg.numbers[0] as Hotline);
}
