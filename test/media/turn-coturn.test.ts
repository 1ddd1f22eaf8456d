/**
 * The minted credentials against a real coturn (use-auth-secret, tools/coturn.ts) and its
 * own client (turnutils_uclient): a fresh credential gets an allocation; an expired one, or one
 * minted with another secret, is refused and gets none.
 */
import t from 'tap';
import { mintTurnCredential } from '../../src/media/turn-credentials.js';
import { startCoturn } from '../../tools/coturn.js';

const SECRET = 'municipal-relay-secret-for-tests';

t.test('coturn accepts what the server mints, refuses it expired or from another secret', async (t) => {
  const turn = await startCoturn(t, SECRET);
  t.equal(turn.allocations(), 0);

  const fresh = mintTurnCredential(SECRET, 'agent-41', 600);
  t.ok(await turn.allocate(fresh.username, fresh.credential), 'a fresh credential gets an allocation');
  const granted = turn.allocations();
  t.ok(granted > 0, `coturn logged the allocation (${granted})`);
  t.match(turn.log(), `user <${fresh.username}>: incoming packet ALLOCATE processed, success`);

  const expired = mintTurnCredential(SECRET, 'agent-41', 600, Date.now() - 601_000);
  t.ok(expired.expiresAt < Date.now() / 1000, 'minted already expired');
  t.notOk(await turn.allocate(expired.username, expired.credential), 'an expired credential is refused');
  t.equal(turn.allocations(), granted, 'no allocation for it');

  const foreign = mintTurnCredential('some-other-secret-0123456789', 'agent-41', 600);
  const refused = turn.authFailures();
  t.notOk(await turn.allocate(foreign.username, foreign.credential), 'another secret is refused');
  t.ok(turn.authFailures() > refused, 'with a 401');
  t.equal(turn.allocations(), granted, 'and no allocation');
});
