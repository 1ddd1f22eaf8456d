/**
 * The varied order texts of the reports benchmarks (bench/hot-topics.ts, bench/reports.ts):
 * subjects, details and places that a citizen's demand is written from, and the categories they
 * come in, so that the hot topics find words that rise and fall between months.
 */
export const SUBJECTS = [
  '小区噪音扰民',
  '路灯不亮',
  '公积金提取',
  '社保卡补办',
  '公交线路调整',
  '物业收费纠纷',
  '违章停车占道',
  '餐馆油烟污染',
  '医保报销',
  '工地夜间施工',
  '共享单车乱停放',
  '电梯故障',
];
export const DETAILS = [
  '楼下餐馆夜间营业',
  '已经持续一个月',
  '多次联系物业无果',
  '影响居民休息',
  '老人出行不便',
  '学校门口交通拥堵',
  '垃圾清运不及时',
  '供水管道破裂',
];
export const PLACES = ['吴兴区爱山街道', '南浔区南浔镇', '德清县武康街道', '德清县莫干山镇', '吴兴区织里镇'];
export const CATEGORIES = ['complaint', 'consultation', 'request_for_help', 'suggestion'];

/** An order's content as a citizen's call is written down: place, subject, a detail, a number. */
export const orderContent = (place: string, subject: string, detail: string, n: number | string): string =>
  `市民来电反映${place}${subject}，${detail}，希望相关部门处理（${n}号）`;
