/**
 * Refusals of the account administration (issue 11 item 1): the API renders them as coded 4xx
 * through the shared error handler; nothing is changed when one is thrown.
 */
import { defineErrors } from '../errors/index.js';

export class AccountError extends defineErrors('AccountError', {
  USERNAME_TAKEN: [409, 'an account with this username exists already'],
  /** The password policy (password-policy.ts) refuses the password; the reason is in the message. */
  PASSWORD_REFUSED: [400, 'the password does not meet the password policy'],
  /** A unit handler without a unit. */
  UNIT_REQUIRED: [400, 'a unit handler needs a unit'],
  /** A unit given for a role that has none, or a dispatcher's unit that is not a county sub-platform. */
  UNIT_NOT_ALLOWED: [400, 'this role takes no such unit'],
  /** An administrator demoting or disabling their own account (nobody could undo it from the web). */
  SELF_CHANGE: [400, 'an administrator cannot demote or disable their own account'],
  /** A CSV import with a bad line (details: each problem with its line number); nothing was created. */
  ACCOUNTS_CSV_INVALID: [400, 'the CSV file has problems; no account was created'],
  /** The session's password was set by someone else: it may only change it (POST /api/auth/password), read itself and log out. */
  PASSWORD_CHANGE_REQUIRED: [403, 'change your password first'],
}) {}

export type AccountErrorCode = keyof typeof AccountError.catalogue;
