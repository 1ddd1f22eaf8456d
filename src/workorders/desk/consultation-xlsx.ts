/**
 * The daily consultation list as an Excel workbook (exceljs): one sheet per kind, rows grouped by
 * unit, headers in Chinese (or English), times in Beijing time — what is printed or sent round
 * before the 每日会商 meeting.
 */
import { excel } from '../../lib/excel.js';
import { SHANGHAI_OFFSET_MS } from '../../lib/shanghai-time.js';
import type { ConsultationKind, ConsultationList } from './consultation.js';

export type SheetLanguage = 'zh' | 'en';

const WORDS = {
  zh: {
    sheets: { disputed_return: '退回争议', overdue: '超期未办结', unsatisfied_again: '多次不满意' },
    unit: '单位',
    number: '工单编号',
    subject: '标题',
    category: '类别',
    status: '状态',
    at: { disputed_return: '退回时间', overdue: '办理时限', unsatisfied_again: '评价时间' },
    note: { disputed_return: '退回理由', overdue: '', unsatisfied_again: '市民意见' },
    count: { disputed_return: '', overdue: '超期小时', unsatisfied_again: '第几次不满意' },
    title: (day: string) => `每日会商清单 ${day}`,
  },
  en: {
    sheets: { disputed_return: 'Disputed returns', overdue: 'Overdue', unsatisfied_again: 'Unsatisfied again' },
    unit: 'Unit',
    number: 'Order',
    subject: 'Subject',
    category: 'Category',
    status: 'Status',
    at: { disputed_return: 'Returned at', overdue: 'Deadline', unsatisfied_again: 'Evaluated at' },
    note: { disputed_return: 'Reason', overdue: '', unsatisfied_again: 'Citizen comment' },
    count: { disputed_return: '', overdue: 'Hours overdue', unsatisfied_again: 'Unsatisfied count' },
    title: (day: string) => `Daily consultation list ${day}`,
  },
} as const;

const KINDS: readonly ConsultationKind[] = ['disputed_return', 'overdue', 'unsatisfied_again'];

const beijing = (ms: number) => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

export async function consultationWorkbook(list: ConsultationList, lang: SheetLanguage, unitName: (id: string) => string): Promise<Buffer> {
  const w = WORDS[lang];
  const book = new (excel().Workbook)();
  book.title = w.title(list.day);
  for (const kind of KINDS) {
    const sheet = book.addWorksheet(w.sheets[kind]);
    const columns = [
      { header: w.unit, key: 'unit', width: 24 },
      { header: w.number, key: 'number', width: 24 },
      { header: w.subject, key: 'subject', width: 36 },
      { header: w.category, key: 'category', width: 16 },
      { header: w.status, key: 'status', width: 14 },
      { header: w.at[kind], key: 'at', width: 18 },
      ...(w.note[kind] ? [{ header: w.note[kind], key: 'note', width: 40 }] : []),
      ...(w.count[kind] ? [{ header: w.count[kind], key: 'count', width: 14 }] : []),
    ];
    sheet.columns = columns;
    sheet.getRow(1).font = { bold: true };
    for (const unit of list.units) {
      for (const item of unit.items.filter((i) => i.kind === kind)) {
        sheet.addRow({
          unit: unit.unitId ? unitName(unit.unitId) : '',
          number: item.number,
          subject: item.subject ?? '',
          category: item.category ?? '',
          status: item.status,
          at: beijing(item.at),
          note: item.note ?? '',
          count: item.count,
        });
      }
    }
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
