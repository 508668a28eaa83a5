/** drydock's version, reported in every report and comment. Kept in step with package.json by a test. */
export const TOOL_VERSION = '0.1.0';
