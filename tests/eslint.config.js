// Lint configuration for the whole repository (run by `npm run lint`, part of `npm test`).
// Type-aware rules are on for the TypeScript sources: the ones that catch real bugs in async
// server code (floating promises, misused promises) matter more here than style rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'tests/output/**', 'packer/**', 'docker/**', '.image-work/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: [
      'protocol/src/**/*.{ts,tsx}',
      'protocol/kernel/src/**/*.{ts,tsx}',
      'appliance/src/**/*.{ts,tsx}',
      'control-plane/src/**/*.{ts,tsx}',
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: new URL('..', import.meta.url).pathname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Each service throws its own typed error, whose code the compiler checks against the status table.
    files: ['appliance/src/**/*.{ts,tsx}', 'control-plane/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name=/^(DomainError|ConflictError)$/]',
          message:
            "throw the service's typed error (ApplianceError, ControlPlaneError from src/errors.ts): its code must have a status in errorStatus.ts",
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
