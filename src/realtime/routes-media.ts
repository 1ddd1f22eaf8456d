/** Socket routes of contract-media.ts. */
import type { MediaClientEvents } from './contract-media.js';
import type { Route } from './route.js';

export const MEDIA_ROUTES: Record<keyof MediaClientEvents, Route> = {};
