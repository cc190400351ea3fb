import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['n8n-nodes/**', '**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Wallet text is checked for control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration only in env.ts.' },
      ],
    },
  },
  // env.ts parses the environment; cli.ts hands it over at the process boundary.
  {
    files: ['**/env.ts', '**/cli.ts', '**/*.test.ts', '**/test-support/**', '**/src/testing/**', 'bench/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
