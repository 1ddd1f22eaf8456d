/** Messages of the shift-lead view. Keys are prefixed 'lead.'; zh-CN first, every key in both. */
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
