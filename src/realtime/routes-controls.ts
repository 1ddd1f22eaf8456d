/** Socket routes of contract-controls.ts. */
import type { ControlsClientEvents } from './contract-controls.js';
import type { Route } from './route.js';

export const CONTROLS_ROUTES: Record<keyof ControlsClientEvents, Route> = {};
