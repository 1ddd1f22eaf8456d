/** Messages of the softphone audio (agent console). Keys are prefixed 'media.'; zh-CN first, every key in both. */
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
