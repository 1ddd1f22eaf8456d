/**
 * The set of configuration files. Adding a file (queue.yaml, org.yaml, sla.yaml,
 * calendar.yaml) means: write its schema + checks in schemas/, add its type to
 * SunlineConfig, add one entry to CONFIG_FILES and, if it refers to another file, a
 * CROSS_CHECKS function. The loader, store, CLI and tests pick it up from here.
 */
import type { z } from 'zod';
import type { Anchor, PathSeg } from './yaml-source.js';
import type { Severity } from './problem.js';
import { asArray, asRecord, type CheckContext } from './schemas/common.js';
import { IvrSchema, checkIvr, type IvrConfig } from './schemas/ivr.js';
import { NumbersSchema, checkNumbers, type NumbersConfig } from './schemas/numbers.js';
import { OrgSchema, checkOrg, rawUnitIds, type OrgConfig } from './schemas/org.js';
import { RecordingConfigSchema, type RecordingConfig } from './schemas/recording.js';
import { AssessmentConfigSchema, checkAssessment, type AssessmentConfig } from './schemas/assessment.js';
// The deadline schemas live beside the pure deadline arithmetic (no I/O) that interprets them.
import { CalendarConfigSchema, buildWorkCalendar, missingYears, type CalendarConfig } from '../../workorders/deadlines/calendar-config.js';
import { SlaConfigSchema, type SlaConfig } from '../../workorders/deadlines/sla-config.js';
import { KbConfigSchema, checkKbConfig, type KbConfig } from '../../kb/kb-config.js';
import { QaConfigSchema, checkQaConfig, type QaConfig } from '../../qa/qa-config.js';
import { AgentsConfigSchema, checkAgentsConfig, type AgentsConfig } from '../agents/agents-config.js';

/** The whole validated configuration: one property per file, deep-frozen. */
export interface SunlineConfig {
  readonly numbers: NumbersConfig;
  readonly ivr: IvrConfig;
  readonly sla: SlaConfig;
  readonly calendar: CalendarConfig;
  readonly org: OrgConfig;
  readonly kb: KbConfig;
  readonly recording: RecordingConfig;
  readonly assessment: AssessmentConfig;
  readonly qa: QaConfig;
  readonly agents: AgentsConfig;
}

export type ConfigKey = keyof SunlineConfig;

export interface ConfigFileSpec<T> {
  /** File name inside the config directory. */
  readonly file: string;
  /** A missing required file is an error; a missing optional one is validated as `{}` (all defaults). */
  readonly required: boolean;
  readonly schema: z.ZodType<T>;
  /** Cross-field checks and lint on the raw data; called even when the schema failed. */
  readonly check?: (raw: unknown, ctx: CheckContext) => void;
  /** One short phrase for the CLI's OK line, e.g. "7 numbers". */
  readonly summary?: (cfg: T) => string;
}

export const CONFIG_FILES: { readonly [K in ConfigKey]: ConfigFileSpec<SunlineConfig[K]> } = {
  numbers: {
    file: 'numbers.yaml',
    required: true,
    schema: NumbersSchema,
    check: checkNumbers,
    summary: (c) => `${c.numbers.length} numbers`,
  },
  ivr: {
    file: 'ivr.yaml',
    required: true,
    schema: IvrSchema,
    check: checkIvr,
    summary: (c) => `hours ${c.hours.mode}, survey ${c.survey.enabled ? 'on' : 'off'}${c.menu ? ', menu' : ''}`,
  },
  sla: {
    file: 'sla.yaml',
    required: false,
    schema: SlaConfigSchema,
    summary: (c) => `${Object.keys(c.timeLimits).length} time limits`,
  },
  calendar: {
    file: 'calendar.yaml',
    required: false,
    schema: CalendarConfigSchema,
    check(raw, ctx) {
      // Date conflicts (a day both holiday and make-up day, ranges out of their year, …).
      const parsed = CalendarConfigSchema.safeParse(raw);
      if (!parsed.success) return;
      const built = buildWorkCalendar(parsed.data);
      if (!built.ok) for (const p of built.problems) ctx.report(p.path, p.message);
      for (const year of missingYears(parsed.data, ctx.now))
        ctx.report(
          ['years'],
          `years: no ${year} — time limits running into ${year} count only weekends as days off (its holidays and make-up working days are unknown); add ${year} from the State Council's notice (国务院办公厅关于${year}年部分节假日安排的通知, published each November)`,
          { severity: 'warning' },
        );
    },
    summary: (c) => `calendar ${Object.keys(c.years).join(', ')}`,
  },
  org: {
    file: 'org.yaml',
    required: false,
    schema: OrgSchema,
    check: checkOrg,
    summary: (c) => `${c.units.length} units, ${c.catalogue.length} catalogue entries`,
  },
  kb: {
    file: 'kb.yaml',
    required: false,
    schema: KbConfigSchema,
    check: checkKbConfig,
    summary: (c) => `${c.synonyms.length} synonym groups, ${c.reviewers.length} reviewer${c.reviewers.length === 1 ? '' : 's'}`,
  },
  recording: {
    file: 'recording.yaml',
    required: false,
    schema: RecordingConfigSchema,
    summary: (c) => (c.enabled ? `recording on, kept ${c.retentionDays} days` : 'recording off'),
  },
  assessment: {
    file: 'assessment.yaml',
    required: false,
    schema: AssessmentConfigSchema,
    check: checkAssessment,
    summary: (c) => `weights ${Object.values(c.weights).join('/')}, 约谈 bottom ${c.interview.bottom}`,
  },
  qa: {
    file: 'qa.yaml',
    required: false,
    schema: QaConfigSchema,
    check: checkQaConfig,
    summary: (c) => `${c.items.length} QA items, ${c.sampling.perAgentPerDay} calls per agent per day`,
  },
  agents: {
    file: 'agents.yaml',
    required: false,
    schema: AgentsConfigSchema,
    check: checkAgentsConfig,
    summary: (c) => `${c.pauseReasons.length} pause reasons`,
  },
};

/** Registry keys in a stable order (problems are sorted by this file order). */
export const CONFIG_KEYS = Object.keys(CONFIG_FILES) as ConfigKey[];

export type CrossReport = (key: ConfigKey, path: readonly PathSeg[], message: string, opts?: { severity?: Severity; at?: Anchor }) => void;

/**
 * Checks between files, on raw data. A file that is missing or has YAML syntax errors is
 * absent from `raw`, so each check must tolerate a partial set.
 */
export type CrossCheck = (raw: Partial<Record<ConfigKey, unknown>>, report: CrossReport) => void;

export const CROSS_CHECKS: readonly CrossCheck[] = [
  function menuNumbersAreListed(raw, report) {
    if (raw.numbers === undefined) return;
    const listed = new Set(asArray(asRecord(raw.numbers)?.numbers).map((h) => String(asRecord(h)?.number)));
    asArray(asRecord(asRecord(raw.ivr)?.menu)?.options).forEach((o, i) => {
      const n = asRecord(o)?.number;
      if (typeof n === 'string' && !listed.has(n)) {
        report('ivr', ['menu', 'options', i, 'number'], `menu.options[${i}].number: "${n}" is not listed in numbers.yaml`);
      }
    });
  },
  function recordingHotlinesAreListed(raw, report) {
    // A warning: a number not (or no longer) in numbers.yaml is simply never recorded or not.
    if (raw.numbers === undefined) return;
    const listed = new Set(asArray(asRecord(raw.numbers)?.numbers).map((h) => String(asRecord(h)?.number)));
    asArray(asRecord(raw.recording)?.disabledHotlines).forEach((n, i) => {
      if (typeof n === 'string' && !listed.has(n)) {
        report('recording', ['disabledHotlines', i], `disabledHotlines[${i}]: "${n}" is not listed in numbers.yaml`, { severity: 'warning' });
      }
    });
  },
  function hotlineUnitsAreInOrg(raw, report) {
    // A warning, not an error: numbers.yaml names the owning unit for display and routing tags;
    // a unit missing from org.yaml only means orders cannot be dispatched to it by code.
    const known = rawUnitIds(raw.org);
    if (known.size === 0) return;
    asArray(asRecord(raw.numbers)?.numbers).forEach((h, i) => {
      const code = asRecord(asRecord(h)?.unit)?.code;
      if (typeof code === 'string' && !known.has(code)) {
        report('numbers', ['numbers', i, 'unit', 'code'], `numbers[${i}].unit.code: unit "${code}" is not listed in org.yaml`, { severity: 'warning' });
      }
    });
  },
];
