import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n.js';
import { KB_TYPES, type KbArticle, type KbFields } from './kb-api.js';

const words = (s: string) => s.split(/[\s,，、;；]+/).filter((w) => w.length > 0);
const dateOrNull = (s: string) => (s === '' ? null : s);

/** The fields an editor writes: from the draft (or the published version) of `article`, or empty for a new one. */
export function fieldsOf(article: KbArticle | null, unitId: string): KbFields {
  const v = article?.draft ?? article?.published;
  if (!article || !v)
    return {
      title: '',
      body: '',
      type: 'faq',
      unitId,
      hotlines: [],
      categories: [],
      areas: [],
      keywords: [],
      effectiveFrom: null,
      expiresOn: null,
      reviewBy: null,
    };
  const { title, body, type, hotlines, categories, areas, keywords, effectiveFrom, expiresOn, reviewBy } = v;
  return { title, body, type, unitId: article.unitId, hotlines, categories, areas, keywords, effectiveFrom, expiresOn, reviewBy };
}

/** The article form: saves a draft (new article or the article's draft), which the editor then submits for review. */
export function KbEditor({ initial, onSave, onCancel }: { initial: KbFields; onSave: (f: KbFields) => Promise<void>; onCancel: () => void }) {
  const { t } = useI18n();
  const [f, setF] = useState(initial);
  const [hotlines, setHotlines] = useState(initial.hotlines.join(' '));
  const [keywords, setKeywords] = useState(initial.keywords.join(' '));
  const save = (e: FormEvent) => {
    e.preventDefault();
    void onSave({ ...f, hotlines: words(hotlines), keywords: words(keywords) });
  };
  return (
    <form className="kb-editor" data-testid="kb-editor" onSubmit={save}>
      <label>
        {t('kb.field.title')}
        <input data-testid="kb-field-title" value={f.title} maxLength={200} required onChange={(e) => setF({ ...f, title: e.target.value })} />
      </label>
      <label>
        {t('kb.field.type')}
        <select data-testid="kb-field-type" value={f.type} onChange={(e) => setF({ ...f, type: e.target.value as KbFields['type'] })}>
          {KB_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`kb.type.${ty}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('kb.field.unit')}
        <input data-testid="kb-field-unit" value={f.unitId} maxLength={64} required onChange={(e) => setF({ ...f, unitId: e.target.value })} />
      </label>
      <label>
        {t('kb.field.hotlines')}
        <input data-testid="kb-field-hotlines" value={hotlines} maxLength={200} onChange={(e) => setHotlines(e.target.value)} />
      </label>
      <label>
        {t('kb.field.keywords')}
        <input data-testid="kb-field-keywords" value={keywords} maxLength={600} onChange={(e) => setKeywords(e.target.value)} />
      </label>
      {(['effectiveFrom', 'expiresOn', 'reviewBy'] as const).map((d) => (
        <label key={d}>
          {t(`kb.field.${d}`)}
          <input type="date" data-testid={`kb-field-${d}`} value={f[d] ?? ''} onChange={(e) => setF({ ...f, [d]: dateOrNull(e.target.value) })} />
        </label>
      ))}
      <label className="kb-body">
        {t('kb.field.body')}
        <textarea data-testid="kb-field-body" value={f.body} rows={12} maxLength={50_000} required onChange={(e) => setF({ ...f, body: e.target.value })} />
      </label>
      <div className="kb-actions">
        <button type="submit" data-testid="kb-save">
          {t('kb.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('kb.close')}
        </button>
      </div>
    </form>
  );
}
