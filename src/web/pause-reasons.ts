/**
 * The pause reasons of config/agents.yaml (GET /api/agents/pause-reasons), read once per page
 * load: the server refuses any other reason, so the consoles offer exactly these. Labels follow
 * the console's language; a reason the list does not carry (the server's own 未连接, or one
 * removed since) falls back to the i18n label or the code itself.
 */
import { useEffect, useState } from 'react';
import type { PauseReason, PauseReasons } from '../contract/http-agents.js';
import { call } from './api.js';
import { useI18n } from './i18n.js';

export type { PauseReason } from '../contract/http-agents.js';

let loaded: Promise<PauseReason[]> | null = null;
const load = () => {
  loaded ??= call<PauseReasons>('GET', '/api/agents/pause-reasons').then(
    (r) => r.reasons,
    () => {
      loaded = null; // try again at the next console that opens
      return [];
    },
  );
  return loaded;
};

export function usePauseReasons(): { codes: string[]; label: (code: string) => string } {
  const { lang, reasonLabel } = useI18n();
  const [reasons, setReasons] = useState<PauseReason[]>([]);
  useEffect(() => {
    let live = true;
    void load().then((r) => live && setReasons(r));
    return () => {
      live = false;
    };
  }, []);
  return {
    codes: reasons.map((r) => r.code),
    label: (code) => {
      const r = reasons.find((x) => x.code === code);
      return r ? (lang === 'en' ? r.label.en : r.label.zh) : reasonLabel(code);
    },
  };
}
