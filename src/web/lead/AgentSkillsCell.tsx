import { useState } from 'react';
import { SkillsField } from '../components/SkillsField.js';
import { useI18n } from '../i18n.js';
import { formatSkills, type Skill } from '../skills-api.js';

/** An agent's skills in the lead's agents table, and an inline form to replace them; `onSave` resolves true when saved. */
export function AgentSkillsCell({ skills, onSave }: { skills: readonly Skill[]; onSave: (text: string) => Promise<boolean> }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  return (
    <td className="lead-skills">
      <span data-testid="agent-row-skills">{skills.length ? formatSkills(skills) : t('lead.none')}</span>
      <button
        type="button"
        className="link"
        data-testid="agent-skills-edit"
        title={t('lead.skills.title')}
        aria-expanded={editing}
        onClick={() => setEditing(!editing)}
      >
        {editing ? t('lead.skills.close') : t('lead.skills.edit')}
      </button>
      {editing && <SkillsField skills={skills} onSave={(text) => void onSave(text).then((saved) => saved && setEditing(false))} />}
    </td>
  );
}
