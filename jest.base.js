/** Shared jest settings: TypeScript through swc (type checking is the `typecheck` task). */
module.exports = {
  // Node's environment, plus closing servers a failed test left open (see the file).
  testEnvironment: require.resolve('./scripts/jest-environment.js'),
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  // Generous: tests must pass on a loaded 2-core machine, and what they wait for is bounded by
  // their own conditions; this only ends a test that is stuck.
  testTimeout: 60_000,
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};
