/** The reports page's links to one order on the desk (src/web/desk/desk-link.ts): the URL, and the order the desk reads back from it. */
import t from 'tap';
import { DESK_ROLES, deskOrderUrl, orderFromSearch } from '../../src/web/desk/desk-link.js';

t.test('a desk link opens its order; anything else opens none', async (t) => {
  t.equal(deskOrderUrl(42), '/desk?order=42');
  t.equal(orderFromSearch(new URL(deskOrderUrl(42), 'http://x').search), 42);
  for (const search of ['', '?order=', '?order=abc', '?order=-3', '?order=0', '?order=1.5', '?order=1e400', '?other=7'])
    t.equal(orderFromSearch(search), null, search);
  t.same([...DESK_ROLES].sort(), ['admin', 'dispatcher', 'shift_lead'], 'the roles the desk opens for (src/web/main.tsx)');
});
