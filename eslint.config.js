/**
 * ESLint (flat config): ESLint's and typescript-eslint's `recommended` sets (syntax only, no
 * type-checked rules, so `npm run lint` stays fast) and eslint-plugin-regexp, whose two
 * super-linear rules keep every pattern linear: one short header with a backtracking pattern
 * froze the whole server (issue 13). Formatting is Prettier's job (`npm run format`).
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

/** The globals our plain-JS files use (the `globals` package is not a dependency). */
const NODE_GLOBALS = readonly([
  'process',
  'console',
  'Buffer',
  'URL',
  'URLSearchParams',
  'setTimeout',
  'clearTimeout',
  'AbortController',
  'TextEncoder',
  'TextDecoder',
  'fetch',
  'performance',
]);
const BROWSER_GLOBALS = readonly([
  'window',
  'document',
  'navigator',
  'location',
  'history',
  'console',
  'URL',
  'URLSearchParams',
  'fetch',
  'FormData',
  'DataTransfer',
  'DOMParser',
  'XMLHttpRequest',
  'Event',
  'CustomEvent',
  'HTMLElement',
  'HTMLFormElement',
  'HTMLInputElement',
  'HTMLImageElement',
  'setTimeout',
  'clearTimeout',
  'requestAnimationFrame',
]);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.rgw/', '.rgw-*/', 'test-artifacts/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  regexp.configs['flat/recommended'],
  {
    rules: {
      // A pattern whose cost grows faster than its input is a denial of service when the input is a request's.
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      // A leading underscore marks a parameter a signature requires, or a property left out of a rest copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `let x; … () => x … ; x = …`: a closure made before the value it reads is declared with let on purpose.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Kysely's documented migration signature: a migration must not depend on today's schema types.
    files: ['src/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['bin/**/*.js', 'scripts/**/*.mjs', 'eslint.config.js'], languageOptions: { globals: NODE_GLOBALS } },
  { files: ['public/**/*.js'], languageOptions: { sourceType: 'script', globals: BROWSER_GLOBALS } },
);
