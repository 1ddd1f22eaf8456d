/**
 * Demo work orders for the unit portal and the citizen lookup: a few orders dispatched to
 * 市市场监管局 (the demo login unit-amr), one of them running out within minutes so that the
 * deadline scheduler warns live, and one online submission a citizen can look up at /lookup.
 * Created through the REST API as the demo admin, once per demo database.
 */
import type { Sunline } from '../src/app.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../src/contract/csrf.js';

const UNIT = 'city-amr';
const MINUTE = 60_000;
const DAY = 86_400_000;
export const DEMO_CITIZEN_PHONE = '13700001234';

export interface DemoOrders {
  /** The online order a citizen can look up (number + DEMO_CITIZEN_PHONE + lookupCode). */
  readonly lookupNumber: string | null;
  /** Its lookup code (查询码), which /lookup asks for with the number and phone. */
  readonly lookupCode: string | null;
}

export async function seedDemoOrders(app: Sunline, admin: { username: string; password: string }): Promise<DemoOrders> {
  const existing = app.db.sqlite
    .prepare("select number, lookup_code as code from work_orders where channel = 'web' and caller_phone = ? order by id limit 1")
    .get(DEMO_CITIZEN_PHONE) as { number: string; code: string | null } | undefined;
  if (existing) return { lookupNumber: existing.number, lookupCode: existing.code };

  // The CSRF header, as the web app sends it (docs/decisions/0010-csrf-defence.md).
  const headers = { [CSRF_HEADER]: CSRF_HEADER_VALUE };
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: admin, headers });
  const cookie = login.cookies.find((c) => c.name === 'sunline_session');
  if (!cookie) throw new Error(`demo admin login failed: ${login.body}`);
  const cookies = { sunline_session: cookie.value };
  const post = async (url: string, payload: Record<string, unknown>) => {
    const res = await app.http.inject({ method: 'POST', url, cookies, payload, headers });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.body}`);
    return res.json() as { id: number; number: string };
  };
  const order = async (fields: Record<string, unknown>, deadlineAt: number) => {
    const o = await post('/api/workorders', { channel: '12315', category: 'complaint', callerPhone: '13900005678', callerName: '刘女士', ...fields });
    await post(`/api/workorders/${o.id}/actions`, { type: 'dispatch', leadUnitId: UNIT, deadlineAt });
    return o;
  };

  await order({ subject: '超市销售过期食品', content: '在人民路某超市购买的酸奶已过保质期三天，要求核查处理' }, Date.now() + 3 * MINUTE);
  await order({ subject: '商家拒绝七日无理由退货', content: '网购电器七日内申请退货被拒' }, Date.now() + 4 * 60 * MINUTE);
  await order({ subject: '举报无证经营餐馆', content: '小区底商有一家餐馆无营业执照经营', confidential: true }, Date.now() + 5 * DAY);

  // A citizen's own online submission, dispatched so that /lookup has progress to show.
  const web = await app.http.inject({
    method: 'POST',
    url: '/api/intake/web',
    payload: { name: '市民', phone: DEMO_CITIZEN_PHONE, category: 'complaint', subject: '菜市场缺斤短两', content: '菜市场摊位电子秤不准，缺斤短两' },
  });
  const { number, lookupCode } = web.json() as { number: string; lookupCode: string };
  const id = app.db.sqlite.prepare('select id from work_orders where number = ?').pluck().get(number) as number;
  await post(`/api/workorders/${id}/actions`, { type: 'dispatch', leadUnitId: UNIT, deadlineAt: Date.now() + 3 * DAY });
  return { lookupNumber: number, lookupCode };
}
