/** Messages of the citizen lookup page. Keys are prefixed 'citizen.'; zh-CN first, every key in both. */
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
