/**
 * The HTTP replies and the web app's types cannot drift apart (issue 19 item 4): each route below
 * replies through the response schema of src/contract (the very object, not a copy: an inline
 * schema in the route fails here), and the web app's types ARE those schemas' output types
 * (checked at compile time by `npm run typecheck`: a hand-written copy that differs does not
 * compile). The routes are registered on a bare Fastify: no database, no app.
 */
import t from 'tap';
import type { z } from 'zod';
import * as Callbacks from '../../src/contract/http-callbacks.js';
import * as Console from '../../src/contract/http-console.js';
import * as Desk from '../../src/contract/http-desk.js';
import * as Orders from '../../src/contract/http-workorders.js';
import * as Reports from '../../src/contract/http-reports.js';
import * as HotTopics from '../../src/contract/http-hot-topics.js';
import * as Recordings from '../../src/contract/recordings.js';
import type { CallbackEntry } from '../../src/contract/outbound.js';
import type { CALL_COUNT_KEYS, CALL_FIGURE_KEYS, ORDER_COUNT_KEYS, ORDER_FIGURE_KEYS } from '../../src/contract/reports.js';
import type { CallCounts } from '../../src/reports/call-kpis.js';
import type { CallFigures, OrderFigures } from '../../src/reports/kpi-figures.js';
import type { OrderCounts } from '../../src/reports/order-kpis.js';
import { callbacksRoutes } from '../../src/http/routes/callbacks-routes.js';
import { callersRoutes } from '../../src/http/routes/callers-routes.js';
import { deskRoutes } from '../../src/http/routes/desk-routes.js';
import { dueStatesRoutes } from '../../src/http/routes/due-states-routes.js';
import { recordingsRoutes } from '../../src/http/routes/recordings-routes.js';
import { reportsRoutes } from '../../src/http/routes/reports-routes.js';
import { reportTopicsRoutes } from '../../src/http/routes/report-topics-routes.js';
import { workOrdersRoutes } from '../../src/http/routes/workorders-routes.js';
import type * as WebApi from '../../src/web/api.js';
import type * as WebDesk from '../../src/web/desk/api.js';
import type * as WebRecordings from '../../src/web/recordings-api.js';
import type * as WebReports from '../../src/web/reports/api.js';
import type * as WebDrill from '../../src/web/reports/drill.js';
import type * as WebOutbound from '../../src/web/outbound-api.js';
import type * as WebUnit from '../../src/web/unit/api.js';
import { routeResponses, type Equal, type RoutePlugin } from '../helpers/route-responses.js';

// ---- compile time: the web app's types are the contract's ------------------------------------

type Out<S extends z.ZodType> = z.output<S>;
/** Each entry must be `true`; a web type that is not exactly the reply's type makes it `false` and the file does not compile. */
const sameTypes: Record<string, true> = {
  'web OrderView': true satisfies Equal<WebApi.OrderView, Out<typeof Orders.OrderView>>,
  'web UnitInfo': true satisfies Equal<WebApi.UnitInfo, Out<typeof Console.UnitInfo>>,
  'web CallerHistory': true satisfies Equal<WebApi.CallerHistory, Out<typeof Console.CallerHistory>>,
  'web DispatchAdvice': true satisfies Equal<WebApi.DispatchAdvice, Out<typeof Console.DispatchAdvice>>,
  'unit OrderSummary': true satisfies Equal<WebUnit.OrderSummary, Out<typeof Orders.OrderView>>,
  'unit OrderDetail': true satisfies Equal<WebUnit.OrderDetail, Out<typeof Orders.OrderDetail>>,
  'unit OrderDue': true satisfies Equal<WebUnit.OrderDue, Out<typeof Orders.DueStates>['items'][number]>,
  'desk DeskOrder': true satisfies Equal<WebDesk.DeskOrder, Out<typeof Desk.DeskOrder>>,
  'desk DeskOrderDetail': true satisfies Equal<WebDesk.DeskOrderDetail, Out<typeof Desk.DeskOrderDetail>>,
  'desk QueueItem': true satisfies Equal<WebDesk.QueueItem, Out<typeof Desk.QueueItem>>,
  'desk QueueCount': true satisfies Equal<WebDesk.QueueCount, Out<typeof Desk.QueueCount>>,
  'desk SearchPage': true satisfies Equal<WebDesk.SearchPage, Out<typeof Desk.SearchPage>>,
  'desk OrderCall': true satisfies Equal<WebDesk.OrderCall, Out<typeof Desk.OrderCall>>,
  'desk SimilarOrder': true satisfies Equal<WebDesk.SimilarOrder, Out<typeof Desk.SimilarOrder>>,
  'desk Suggestion': true satisfies Equal<WebDesk.Suggestion, Out<typeof Desk.Suggestion>>,
  'desk UnitReturns': true satisfies Equal<WebDesk.UnitReturns, Out<typeof Desk.UnitReturns>>,
  'desk Consultation': true satisfies Equal<WebDesk.Consultation, Out<typeof Desk.Consultation>>,
  // The outbound panel reads the socket contract's CallbackEntry: the worklist's reply is exactly that.
  'callbacks CallbackEntry': true satisfies Equal<Out<typeof Callbacks.CallbackEntry>, CallbackEntry>,
  'callbacks AssignedCallback': true satisfies Equal<WebOutbound.AssignedCallback, Out<typeof Callbacks.AssignedCallback>>,
  'recordings Recording': true satisfies Equal<WebRecordings.Recording, Out<typeof Recordings.RecordingViewSchema>>,
  'reports KpiReport': true satisfies Equal<WebReports.KpiReport, Out<typeof Reports.KpiReport>>,
  'reports HotTopics': true satisfies Equal<WebDrill.HotTopics, Out<typeof HotTopics.HotTopics>>,
  // The report's key lists are exactly src/reports' counts and figures (a new figure there must be added to the contract, or the reply would drop it).
  'CallCounts keys': true satisfies Equal<keyof CallCounts, (typeof CALL_COUNT_KEYS)[number]>,
  'CallFigures keys': true satisfies Equal<keyof CallFigures, (typeof CALL_FIGURE_KEYS)[number]>,
  'OrderCounts keys': true satisfies Equal<keyof OrderCounts, (typeof ORDER_COUNT_KEYS)[number]>,
  'OrderFigures keys': true satisfies Equal<keyof OrderFigures, (typeof ORDER_FIGURE_KEYS)[number]>,
};

// ---- run time: each route replies through the contract's schema object ------------------------

/** METHOD path → status → the contract's schema. */
const REPLIES: Record<string, Record<number, z.ZodType>> = {
  'GET /api/workorders': { 200: Orders.OrderList },
  'GET /api/workorders/:id': { 200: Orders.OrderDetail },
  'POST /api/workorders/:id/actions': { 200: Orders.OrderActionResult },
  'POST /api/workorders': { 201: Orders.OrderView },
  'GET /api/workorders/due': { 200: Orders.DueStates },
  'GET /api/desk/queues': { 200: Desk.QueueCounts },
  'GET /api/desk/queues/:queue': { 200: Desk.QueuePage },
  'GET /api/desk/orders': { 200: Desk.SearchPage },
  'GET /api/desk/orders/:id': { 200: Desk.DeskOrderDetail },
  'GET /api/desk/orders/:id/calls': { 200: Desk.OrderCalls },
  'GET /api/desk/units': { 200: Desk.DeskUnits },
  'GET /api/desk/orders/:id/similar': { 200: Desk.SimilarOrders },
  'GET /api/desk/orders/:id/suggestion': { 200: Desk.Suggestion },
  'GET /api/desk/units/returns': { 200: Desk.UnitReturnsPage },
  'GET /api/desk/consultation': { 200: Desk.Consultation },
  'GET /api/desk/filters': { 200: Desk.SavedFilters },
  'POST /api/desk/filters': { 200: Desk.SavedFilter },
  'GET /api/callers/:callerId/history': { 200: Console.CallerHistory },
  'GET /api/units': { 200: Console.Units },
  'POST /api/dispatch/suggestion': { 200: Console.DispatchAdvice },
  'GET /api/reports/kpis': { 200: Reports.KpiReport },
  'GET /api/callbacks': { 200: Callbacks.CallbackWorklist },
  'PUT /api/callbacks/:orderId/assignee': { 200: Callbacks.AssignedCallback },
  'GET /api/recordings': { 200: Recordings.RecordingListSchema },
  'GET /api/recordings/mine': { 200: Recordings.RecordingListSchema },
  'GET /api/reports/assessment': { 200: Reports.Assessment },
  'GET /api/reports/orders': { 200: Reports.DrilledOrders },
  'GET /api/reports/daily': { 200: Reports.DailyTrend },
  'GET /api/reports/calls': { 200: Reports.DrilledCalls },
  'GET /api/reports/hot-topics': { 200: HotTopics.HotTopics },
  'GET /api/reports/hot-topics/orders': { 200: Reports.DrilledOrders },
};

t.test('the work-order, due-state, desk, console look-up, report, callback and recording routes reply through the contract’s schemas', async (t) => {
  const seen = await routeResponses([
    workOrdersRoutes,
    dueStatesRoutes,
    deskRoutes,
    callersRoutes,
    reportsRoutes,
    reportTopicsRoutes,
    callbacksRoutes,
    recordingsRoutes,
  ] as unknown as RoutePlugin[]);
  for (const [route, statuses] of Object.entries(REPLIES)) {
    t.ok(seen.has(route), `${route} exists`);
    for (const [status, schema] of Object.entries(statuses)) t.equal(seen.get(route)?.[status], schema, `${route} ${status} is the contract's schema`);
  }
  t.same(Object.keys(sameTypes).length, 26, 'the web types checked at compile time');
});
