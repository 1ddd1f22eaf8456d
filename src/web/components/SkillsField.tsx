import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n.js';
import { formatSkills, type Skill } from '../skills-api.js';

/** An agent's skills on the accounts page (decision 0015): "hrss:1, dialect-wu:1", saved as a whole. */
export function SkillsField({ skills, onSave }: { skills: readonly Skill[]; onSave: (text: string) => void }) {
  const { t } = useI18n();
  const current = formatSkills(skills);
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(text);
  };
  return (
    <form className="skills-field" data-testid="skills-form" onSubmit={submit}>
      <input
        data-testid="field-skills"
        aria-label={t('admin.skills')}
        placeholder={t('admin.skills.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" data-testid="save-skills" disabled={text === current}>
        {t('admin.skills.save')}
      </button>
    </form>
  );
}
