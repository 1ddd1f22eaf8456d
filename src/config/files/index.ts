/**
 * Public face of the file configuration (config/*.yaml). Other modules import from here,
 * never from the files behind it.
 */
export { ConfigStore, type ApplyResult, type ConfigStoreOptions, type ConfigStatus, type ConfigStoreEvents, type ReloadResult } from './store.js';
export type { ConfigChanges } from './apply-files.js';
export type { ConfigVersionLog, ConfigVersionSource, VersionMeta } from './version-log.js';
export { PromptCheck, type PromptCheckState } from './prompt-watch.js';
export { promptUses, type PromptUse } from './prompt-files.js';
export { loadConfigDir, validateConfigSet, type ConfigTexts, type LoadResult, type LoadedFile, type LoadOptions } from './loader.js';
export { ConfigInvalidError, formatProblem, sortProblems, type Problem, type Severity } from './problem.js';
export { CONFIG_FILES, CONFIG_KEYS, type SunlineConfig, type ConfigKey, type ConfigFileSpec } from './registry.js';
export { hotlineFor, overflowSecondsOf, type Hotline, type NumbersConfig } from './schemas/numbers.js';
export { MENU_WARNING, type IvrConfig, type SurveyDigit } from './schemas/ivr.js';
