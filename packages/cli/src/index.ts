export { main } from './main.js';
export { renderSummary } from './render/summary.js';
