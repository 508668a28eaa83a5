/** Tests over the real-world corpora in ../shared/corpora (absent in a user's clone: skipped with a message). */
const base = require('./jest.config.js');
module.exports = { ...base, roots: ['<rootDir>/__tests__/corpus'], testPathIgnorePatterns: [] };
