/** Jest: TypeScript through SWC; integration suites share the services global-setup starts and run in band. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/workflows', '<rootDir>/activities', '<rootDir>/api', '<rootDir>/connector', '<rootDir>/schema', '<rootDir>/scripts', '<rootDir>/web', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/web/dist/', '/.data/'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // jose ships ES modules only; Jest runs CommonJS.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
};
