/**
 * The citizen's lookup code 查询码 (issue 9 item 7): order numbers are sequential per day, so
 * the number and the reporter's phone alone can be guessed; the public lookup also asks for
 * this code, told to the citizen with the number (read out by the agent, in the online
 * intake's reply, in the centre's SMS receipt if it sends one).
 *
 * Six characters from 31 that cannot be mistaken for one another when read aloud or
 * handwritten (no 0/O, 1/I/L): 31^6 ≈ 8.9 × 10^8 codes, drawn with crypto.randomInt (no modulo
 * bias). With the per-order lookup throttle (intake.ts) a guesser gets a handful of tries per
 * lock, so the code cannot be found by trying.
 *
 * Stored in clear, not hashed: staff must be able to read it back to a citizen who calls
 * again (the order view carries it for platform staff). A hash would let us show it once
 * only; and whoever can read the database already reads the phone and the order itself, far
 * more than the code protects (the order's status and dates).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';

export const LOOKUP_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const LOOKUP_CODE_LENGTH = 6;

export function newLookupCode(): string {
  let code = '';
  for (let i = 0; i < LOOKUP_CODE_LENGTH; i++) code += LOOKUP_CODE_ALPHABET[randomInt(LOOKUP_CODE_ALPHABET.length)];
  return code;
}

/** What a citizen typed, as stored: upper case, without spaces or dashes ("ab3 k-7x" → "AB3K7X"). */
export function normalizeLookupCode(typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether `typed` is the order's code (constant time over the code's length); an order without one never matches. */
export function lookupCodeMatches(stored: string | null, typed: string): boolean {
  if (stored === null) return false;
  const a = Buffer.from(stored);
  const b = Buffer.from(normalizeLookupCode(typed));
  return a.length === b.length && timingSafeEqual(a, b);
}
