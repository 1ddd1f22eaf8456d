/** Socket routes of contract-lead.ts. */
import type { LeadClientEvents } from './contract-lead.js';
import type { Route } from './route.js';

export const LEAD_ROUTES: Record<keyof LeadClientEvents, Route> = {};
