/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }],
  },
  setupFiles: ['reflect-metadata'],
  // Integration suites start real servers on loopback; give them room on a shared 2-core machine.
  testTimeout: 30_000,
};
