import type { MessageKey } from '../i18n.js';

/** A work-order status in the reader's language (the unit portal's labels), or the raw status. */
export function statusLabel(t: (k: MessageKey) => string, status: string): string {
  return t(`unit.status.${status}` as MessageKey) ?? status;
}

/** A call's outcome (calls.outcome: answered, abandoned) in the reader's language. */
export function outcomeLabel(t: (k: MessageKey) => string, outcome: string | null): string {
  if (!outcome) return '';
  return t(`controls.outcome.${outcome}` as MessageKey) ?? outcome;
}
