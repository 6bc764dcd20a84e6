export { report, REPORT_PLUGIN_NAME, reportOptionsSchema } from './plugin.js';
export type { ReportOptions } from './plugin.js';
export { reportCommand } from './command.js';
