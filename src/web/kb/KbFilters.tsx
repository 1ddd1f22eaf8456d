import { useI18n } from '../i18n.js';
import { KB_TYPES, type KbFacets, type KbState, type KbType } from './kb-api.js';
import { KB_STATES, type KbFilterState } from './kb-filters.js';

/** Indent of an area in the picker by its org.yaml level (the list is depth first). */
const DEPTH: Readonly<Record<string, number>> = { province: 0, city: 1, county: 2, township: 3, village: 4 };

/**
 * The /kb filters beside the search box: type, category, owning unit and area (from GET
 * /api/kb/facets), and for editors the state of their list's articles. Each change is applied at
 * once (`onChange`); the page keeps them in its URL.
 */
export function KbFilters({
  value,
  facets,
  editor,
  onChange,
}: {
  value: KbFilterState;
  facets: KbFacets;
  editor: boolean;
  onChange: (f: KbFilterState) => void;
}) {
  const { t } = useI18n();
  const set = (patch: Partial<KbFilterState>) => onChange({ ...value, ...patch });
  return (
    <>
      <select data-testid="kb-type" value={value.type} onChange={(e) => set({ type: e.target.value as KbType | '' })}>
        <option value="">{t('kb.allTypes')}</option>
        {KB_TYPES.map((ty) => (
          <option key={ty} value={ty}>
            {t(`kb.type.${ty}`)}
          </option>
        ))}
      </select>
      <select data-testid="kb-category" value={value.category} onChange={(e) => set({ category: e.target.value })}>
        <option value="">{t('kb.allCategories')}</option>
        {/* A category from the URL that no published article has (yet) stays choosable. */}
        {[...new Set([...(value.category ? [value.category] : []), ...facets.categories])].map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <select data-testid="kb-unit" value={value.unitId} onChange={(e) => set({ unitId: e.target.value })}>
        <option value="">{t('kb.allUnits')}</option>
        {value.unitId && !facets.units.some((u) => u.id === value.unitId) && <option value={value.unitId}>{value.unitId}</option>}
        {facets.units.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
      <select data-testid="kb-area" value={value.area} onChange={(e) => set({ area: e.target.value })}>
        <option value="">{t('kb.allAreas')}</option>
        {value.area && !facets.areas.some((a) => a.id === value.area) && <option value={value.area}>{value.area}</option>}
        {facets.areas.map((a) => (
          <option key={a.id} value={a.id}>
            {'\u3000'.repeat(DEPTH[a.level] ?? 0)}
            {a.name}
          </option>
        ))}
      </select>
      {editor && (
        <select data-testid="kb-status" value={value.status} onChange={(e) => set({ status: e.target.value as KbState | '' })}>
          <option value="">{t('kb.allStates')}</option>
          {KB_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`kb.state.${s}`)}
            </option>
          ))}
        </select>
      )}
    </>
  );
}
