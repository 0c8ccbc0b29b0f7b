/** Jest: TypeScript through SWC; integration suites share the services global-setup starts and run in band. */
// Packages that ship ES modules only (Jest runs CommonJS): SWC compiles them too.
const ESM_ONLY = ['jose', 'kysely', '@mikro-orm/[^/]+', 'content-disposition', 'cookie', '@fastify/cookie'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/workflows', '<rootDir>/activities', '<rootDir>/api', '<rootDir>/connector', '<rootDir>/schema', '<rootDir>/scripts', '<rootDir>/web', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/web/dist/', '/.data/'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
};
