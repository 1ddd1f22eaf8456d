/**
 * What a password must be, wherever one is set (the CLI, the own-password route, the
 * administration pages): long enough to resist guessing at the login throttle's pace, short
 * enough that hashing it costs a bounded time, and not the username.
 */
import { randomInt } from 'node:crypto';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Why `password` is refused for `username`, or null when it is acceptable. */
export function checkPassword(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.toLowerCase() === username.toLowerCase()) return 'must not be the username';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'must not contain control characters';
  return null;
}

/** A username: letters, digits, . _ -; at most 64; starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** No 0/O, 1/l/I: a generated password is read off a screen and typed. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password that meets the policy (16 characters, about 93 bits). */
export function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}
