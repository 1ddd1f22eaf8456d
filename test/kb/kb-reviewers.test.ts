/**
 * Who reviews knowledge-base articles (workflow.ts isReviewer): administrators, and the centre's
 * staff that kb.yaml's reviewers name. A unit handler named there still does not review: the
 * units draft and the centre approves (README), so a unit never publishes its own draft alone;
 * QA inspectors read like agents and write nothing.
 */
import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { isReviewer, seesDrafts } from '../../src/kb/workflow.js';

const actor = (role: UserRole, username: string, unitId: string | null = null) => ({ id: 1, role, unitId, username });
const reviewers = ['lead1', 'disp1', 'hrss1', 'qa1'];

t.test('administrators and the centre staff kb.yaml names review; units and QA inspectors never', async (t) => {
  t.ok(isReviewer(actor('admin', 'anyone'), []), 'an administrator always');
  t.ok(isReviewer(actor('shift_lead', 'lead1'), reviewers), 'a shift lead named in kb.yaml');
  t.ok(isReviewer(actor('dispatcher', 'disp1'), reviewers), 'a dispatcher named in kb.yaml');
  t.notOk(isReviewer(actor('shift_lead', 'lead2'), reviewers), 'a shift lead not named');
  t.notOk(isReviewer(actor('unit_handler', 'hrss1', 'city-hrss'), reviewers), 'a unit handler, even named, does not approve');
  t.notOk(isReviewer(actor('qa', 'qa1'), reviewers), 'a QA inspector, even named');
  t.notOk(seesDrafts(actor('unit_handler', 'hrss1', 'city-hrss'), 'city-amr', reviewers), 'nor sees another unit’s drafts');
  t.ok(seesDrafts(actor('unit_handler', 'hrss1', 'city-hrss'), 'city-hrss', reviewers), 'its own unit’s, as their editor');
});
