/** Messages of the unit portal. Keys are prefixed 'unit.'; zh-CN first, every key in both. */
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
