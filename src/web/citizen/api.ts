/** The citizen page's one call: the public lookup (no session), rate limited per address and throttled per order number. */
import type { PublicOrder } from '../../contract/http-intake.js';

/** The lookup's reply: the contract's type (the route replies through the same schema). */
export type { PublicOrder };

export async function lookupOrder(number: string, phone: string, code: string): Promise<PublicOrder> {
  const query = `phone=${encodeURIComponent(phone)}&code=${encodeURIComponent(code)}`;
  const res = await fetch(`/api/public/orders/${encodeURIComponent(number)}?${query}`, { credentials: 'omit' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    throw Object.assign(new Error(`lookup failed: ${res.status}`), { status: res.status, code: body?.error?.code });
  }
  return (await res.json()) as PublicOrder;
}
