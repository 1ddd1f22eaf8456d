/**
 * What agent consoles may ask of the media service (src/media): the browser's WebRTC session.
 * Implemented by the media service; realtime/ only calls it. Null when media is disabled.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MediaCommands {}
