/** Messages of in-call controls, the order form and the caller history (agent console). Keys are prefixed 'controls.'; zh-CN first, every key in both. */
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
