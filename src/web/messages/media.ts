/** Messages of the softphone audio (agent console). Keys are prefixed 'media.'; zh-CN first, every key in both. */
export const zh = {
  'media.label': '话机',
  'media.connecting': '音频连接中…',
  'media.ready': '音频就绪',
  'media.inCall': '通话音频中',
  'media.failed': '音频连接失败',
  'media.failedHint': '浏览器与服务器的音频连接（ICE/DTLS）失败，请检查网络后刷新页面或联系班长。',
  'media.mic_denied': '无法使用麦克风',
  'media.micHint': '请在浏览器中允许本页面使用麦克风，然后刷新页面。',
  'media.unavailable': '本服务器未启用网页音频',
  'media.closed': '音频已断开',
  'media.monitored': '班长正在监听本通话',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'media.label': 'Softphone',
  'media.connecting': 'Connecting audio…',
  'media.ready': 'Audio ready',
  'media.inCall': 'Call audio on',
  'media.failed': 'Audio connection failed',
  'media.failedHint':
    'The audio connection between the browser and the server (ICE/DTLS) failed. Check the network, then reload the page or call your shift lead.',
  'media.mic_denied': 'Microphone not available',
  'media.micHint': 'Allow this page to use the microphone in the browser, then reload the page.',
  'media.unavailable': 'Browser audio is not enabled on this server',
  'media.closed': 'Audio disconnected',
  'media.monitored': 'A shift lead is listening to this call',
};
