/**
 * Phone numbers never reach the logs in clear: keep the first 3 and last 4 digits of a mobile
 * (138****5678), the last 4 of anything shorter. Citizens' numbers are personal data (PIPL).
 */
export function maskPhone(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const s = String(value);
  const digits = s.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length >= 11) return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Any run of 7+ digits (optionally with a leading +) in free text: masked. */
const PHONE_IN_TEXT = /\+?\d[\d -]{5,}\d/g;

export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 ? maskPhone(m) : m));
}
