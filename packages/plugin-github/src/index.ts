export const GITHUB_PLUGIN_NAME = 'github';
