/**
 * The browser test (npm run test:e2e): Debian's Chromium driven by playwright-core. Kept out of
 * `npm test` because it needs `apt-get install -y chromium`; .ci/run installs it and runs both.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config'),
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 60_000,
};
