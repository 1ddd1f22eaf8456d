/**
 * A handling unit's own scorecard (本单位考核, /scorecard): a unit handler reads its unit's monthly
 * assessment (GET /api/reports/assessment?unit=its own; docs/kpis.md "Unit assessment") — the
 * scored figures, its weighted score and city-wide rank, co-handling, the 约谈 flag — for the month
 * it picks. The server refuses any other unit (403 FORBIDDEN_REPORT).
 */
import type { User } from '../api.js';
import { useI18n } from '../i18n.js';
import { AssessmentPanel } from './AssessmentPanel.js';
import { ReportsHeader } from './ReportsHeader.js';
import './reports.css';

export function ScorecardPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const { t } = useI18n();
  return (
    <div className="reports-page" data-testid="scorecard-page">
      <ReportsHeader title="reports.scorecard.title" user={user} onSignedOut={onSignedOut} />
      {user.unitId ? <AssessmentPanel unit={user.unitId} /> : <p className="reports-error">{t('reports.scorecard.noUnit')}</p>}
    </div>
  );
}
