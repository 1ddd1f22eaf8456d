/** The citizen page's one call: the rate-limited public lookup (no session). */
export interface PublicOrder {
  number: string;
  status: string;
  category: string | null;
  createdAt: number;
  deadlineAt: number | null;
  progress: Array<{ status: string; at: number }>;
}

export async function lookupOrder(number: string, phone: string): Promise<PublicOrder> {
  const res = await fetch(`/api/public/orders/${encodeURIComponent(number)}?phone=${encodeURIComponent(phone)}`, { credentials: 'omit' });
  if (!res.ok) throw Object.assign(new Error(`lookup failed: ${res.status}`), { status: res.status });
  return (await res.json()) as PublicOrder;
}
