import type { NewUser } from '../src/users/index.js';

/** Demo logins, printed by the demo. Never use these on a real deployment. */
export const DEMO_USERS: (NewUser & { password: string })[] = [
  { username: 'agent1', password: 'agent1-demo', role: 'agent', displayName: '坐席 王芳' },
  { username: 'agent2', password: 'agent2-demo', role: 'agent', displayName: '坐席 李强' },
  { username: 'lead1', password: 'lead1-demo', role: 'shift_lead', displayName: '班长 张敏' },
  { username: 'admin', password: 'admin-demo', role: 'admin', displayName: '管理员' },
  { username: 'unit-amr', password: 'unit-demo', role: 'unit_handler', unitId: 'city-amr', displayName: '市市场监管局 承办人' },
  // The order desk (派单/审核): the city centre's dispatcher, and 德清's sub-platform (its subtree only).
  { username: 'disp1', password: 'disp1-demo', role: 'dispatcher', displayName: '派单员 陈静' },
  { username: 'dq.dispatcher', password: 'dq-demo', role: 'dispatcher', unitId: 'dq-12345', displayName: '德清县12345分平台 派单员' },
];
