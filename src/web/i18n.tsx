/** A tiny dictionary: zh-CN first, English as a toggle; the choice is kept in localStorage. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AgentStateName } from '../contract/index.js';
import * as common from './messages/common.js';
import * as lead from './messages/lead.js';
import * as unit from './messages/unit.js';
import * as citizen from './messages/citizen.js';
import * as controls from './messages/controls.js';
import * as media from './messages/media.js';
import * as desk from './messages/desk.js';
import * as admin from './messages/admin.js';
import * as configEditor from './messages/config.js';
import * as kb from './messages/kb.js';
import * as outbound from './messages/outbound.js';
import * as reports from './messages/reports.js';
import * as wallboard from './messages/wallboard.js';
import * as qa from './messages/qa.js';

export type Lang = 'zh-CN' | 'en';

// One dictionary file per part of the app (src/web/messages/*), merged here.
const zh = {
  ...common.zh,
  ...lead.zh,
  ...unit.zh,
  ...citizen.zh,
  ...controls.zh,
  ...media.zh,
  ...desk.zh,
  ...admin.zh,
  ...configEditor.zh,
  ...kb.zh,
  ...outbound.zh,
  ...reports.zh,
  ...wallboard.zh,
  ...qa.zh,
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  ...common.en,
  ...lead.en,
  ...unit.en,
  ...citizen.en,
  ...controls.en,
  ...media.en,
  ...desk.en,
  ...admin.en,
  ...configEditor.en,
  ...kb.en,
  ...outbound.en,
  ...reports.en,
  ...wallboard.en,
  ...qa.en,
};
const DICTS: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'sunline.lang';

/** Reasons the server sets itself (src/agents/presence.ts: an agent without a console); the others come from config/agents.yaml (pause-reasons.ts). */
const SYSTEM_PAUSE_REASONS: readonly string[] = ['未连接'];

interface I18n {
  lang: Lang;
  t: (key: MessageKey) => string;
  stateLabel: (s: AgentStateName) => string;
  reasonLabel: (r: string) => string;
  toggle: () => void;
}

const Ctx = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = DICTS[lang].appTitle;
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }, [lang]);
  const toggle = useCallback(() => setLang((l) => (l === 'zh-CN' ? 'en' : 'zh-CN')), []);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    const t = (key: MessageKey) => dict[key];
    return {
      lang,
      t,
      stateLabel: (s) => t(`state.${s}`),
      reasonLabel: (r) => (SYSTEM_PAUSE_REASONS.includes(r) ? t(`reason.${r}` as MessageKey) : r),
      toggle,
    };
  }, [lang, toggle]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export function LangToggle() {
  const { t, toggle } = useI18n();
  return (
    <button type="button" className="lang-toggle" data-testid="lang-toggle" onClick={toggle}>
      {t('language')}
    </button>
  );
}
