/**
 * The scheduled monthly assessment export (issue 14 item 6): with SUNLINE_REPORTS_DIR set, the
 * previous Beijing month's unit scorecards (all units, Chinese headers) are written once into
 * that folder as `assessment-YYYY-MM.xlsx` — checked at start and every hour, so a server that
 * was down on the 1st writes it when it comes back. A file already there is left alone; the
 * workbook is written to a temporary name and renamed, so a reader never sees half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { AssessmentService } from './assessment.js';
import { assessmentTable, xlsxStream } from './exports.js';

const HOUR_MS = 3_600_000;
/** The reader of the export: every unit, as an administrator sees them. */
const ALL_UNITS = { role: 'admin', unitId: null } as const;

export interface MonthlyExportOptions {
  readonly assessment: AssessmentService;
  readonly dir: string;
  readonly log: Logger;
  readonly everyMs?: number;
}

export class MonthlyExport {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: MonthlyExportOptions) {}

  /** Writes last month's workbook unless it exists; returns its path when written now, else null. */
  async tick(): Promise<string | null> {
    const month = this.o.assessment.lastMonth();
    const file = path.join(this.o.dir, `assessment-${month}.xlsx`);
    if (fs.existsSync(file)) return null;
    await fs.promises.mkdir(this.o.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const table = assessmentTable(await this.o.assessment.scorecards(ALL_UNITS, month), 'zh');
    await pipeline(xlsxStream(table, 'zh'), fs.createWriteStream(tmp));
    await fs.promises.rename(tmp, file);
    this.o.log.info({ file, month }, 'monthly assessment exported');
    return file;
  }

  start(): void {
    const run = () => {
      this.running = this.tick().catch((err: unknown) => this.o.log.error({ err, dir: this.o.dir }, 'monthly assessment export failed'));
    };
    run();
    this.timer = setInterval(run, this.o.everyMs ?? HOUR_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
