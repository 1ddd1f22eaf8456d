// Type-aware lint of the server (issue 19, decision 0009 #18): typescript-eslint's recommended
// type-checked rules — no floating promises above all. Run by `npm test` (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/web/**', 'src/telephony/ari/generated/**'] },
  {
    files: ['src/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Fastify route handlers, hooks and plugins are async by contract, awaited or not.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore names a parameter a signature needs and the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Wire data (AMI fields, ARI parameters and frames) and log masking turn unknown values into
    // text on purpose.
    files: ['src/telephony/**/*.ts', 'src/logging/**/*.ts'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
);
