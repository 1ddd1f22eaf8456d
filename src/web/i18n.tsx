/** A tiny dictionary: zh-CN first, English as a toggle; the choice is kept in localStorage. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AgentStateName } from '../realtime/contract.js';

export type Lang = 'zh-CN' | 'en';

const zh = {
  appTitle: 'Sunline 12345 坐席台',
  'login.title': '坐席登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.failed': '用户名或密码错误',
  'login.error': '登录失败，请稍后再试',
  signOut: '退出登录',
  'state.logged_out': '未签入',
  'state.available': '空闲',
  'state.ringing': '振铃中',
  'state.on_call': '通话中',
  'state.wrap_up': '话后处理',
  'state.paused': '示忙',
  myState: '我的状态',
  timeInState: '持续时间',
  pauseReason: '示忙原因',
  'btn.login': '签入',
  'btn.pause': '示忙',
  'btn.unpause': '示闲',
  'btn.logout': '签出',
  'btn.wrapupDone': '完成话后',
  'btn.answer': '接听',
  'btn.reject': '拒接',
  'reason.小休': '小休',
  'reason.培训': '培训',
  'reason.会议': '会议',
  disconnected: '与服务器的连接已断开，正在重连…',
  telephonyDown: '电话系统连接中断，暂时无法接听来电',
  'call.incoming': '来电',
  'call.current': '当前通话',
  'call.caller': '来电号码',
  'call.hotline': '拨打热线',
  'call.wait': '等待时长',
  'call.count': '来电次数',
  'call.recent': '近期来电',
  'call.openOrders': '未办结工单',
  'call.draft': '草稿工单号',
  'call.none': '无',
  'call.noCall': '暂无来电',
  shortcuts: '快捷键',
  'shortcut.answer': 'F2 接听',
  'shortcut.reject': 'F4 拒接',
  'shortcut.wrapup': 'F8 完成话后',
  commandFailed: '操作失败',
  language: 'English',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  appTitle: 'Sunline 12345 Agent Console',
  'login.title': 'Agent sign-in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.failed': 'Wrong username or password',
  'login.error': 'Sign-in failed, please try again later',
  signOut: 'Sign out',
  'state.logged_out': 'Logged out',
  'state.available': 'Available',
  'state.ringing': 'Ringing',
  'state.on_call': 'On call',
  'state.wrap_up': 'Wrap-up',
  'state.paused': 'Paused',
  myState: 'My state',
  timeInState: 'Time in state',
  pauseReason: 'Pause reason',
  'btn.login': 'Log in to queue',
  'btn.pause': 'Pause',
  'btn.unpause': 'Unpause',
  'btn.logout': 'Log out of queue',
  'btn.wrapupDone': 'End wrap-up',
  'btn.answer': 'Answer',
  'btn.reject': 'Reject',
  'reason.小休': 'Break',
  'reason.培训': 'Training',
  'reason.会议': 'Meeting',
  disconnected: 'Disconnected from the server, reconnecting…',
  telephonyDown: 'Telephony is down: calls cannot be taken for now',
  'call.incoming': 'Incoming call',
  'call.current': 'Current call',
  'call.caller': 'Caller',
  'call.hotline': 'Hotline dialled',
  'call.wait': 'Waited',
  'call.count': 'Calls from this number',
  'call.recent': 'Recent calls',
  'call.openOrders': 'Open orders',
  'call.draft': 'Draft order',
  'call.none': 'None',
  'call.noCall': 'No call',
  shortcuts: 'Shortcuts',
  'shortcut.answer': 'F2 answer',
  'shortcut.reject': 'F4 reject',
  'shortcut.wrapup': 'F8 end wrap-up',
  commandFailed: 'Command failed',
  language: '中文',
};

const DICTS: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'sunline.lang';

export const PAUSE_REASONS = ['小休', '培训', '会议'] as const;

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
      reasonLabel: (r) => ((PAUSE_REASONS as readonly string[]).includes(r) ? t(`reason.${r}` as MessageKey) : r),
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
