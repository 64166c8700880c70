// Lint rules, including the import zones that keep each folder to what may run there
// (VS Code's common / node / browser / electron-main layering): see docs in conventions.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'url'],
  message: 'Node built-ins are not available here.',
};
const electron = {
  group: ['electron', 'electron/*'],
  message: 'Only src-main/main and src-main/preload may import electron.',
};
const tfjs = { group: ['@tensorflow/*'], message: 'Only src-main/engine may import TensorFlow.js.' };
// A folder is matched as a relative path that climbs into it (`../main/x`,
// `../../engine/y`), so a file named like a folder (cli/main.ts) is not mistaken for it.
const upTo = (folder) => ({
  group: ['../', '../../', '../../../', '../../../../'].flatMap((up) => [
    `${up}${folder}`,
    `${up}${folder}/**`,
  ]),
  message: `This layer may not import from ${folder}/.`,
});

/** @param {string[]} files @param {object[]} patterns */
const zone = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'test-results/',
      'playwright-report/',
      'resources/fixtures/',
      'scratch/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // src-shared: pure TypeScript, imports nothing from the other layers.
  zone(['src-shared/**'], [nodeBuiltins, electron, tfjs, upTo('src-main'), upTo('src-renderer')]),
  // engine: shared + tfjs + node, never electron or the adapters around it.
  zone(
    ['src-main/engine/**'],
    [electron, upTo('src-renderer'), upTo('main'), upTo('server'), upTo('cli'), upTo('preload')],
  ),
  // main, server, cli: shared + engine; only main may touch electron.
  zone(
    ['src-main/server/**', 'src-main/cli/**'],
    [electron, upTo('src-renderer'), upTo('main'), upTo('preload')],
  ),
  zone(['src-main/main/**'], [tfjs, upTo('src-renderer'), upTo('server'), upTo('cli'), upTo('preload')]),
  // preload: shared types + electron only.
  zone(
    ['src-main/preload/**'],
    [tfjs, nodeBuiltins, upTo('src-renderer'), upTo('engine'), upTo('main'), upTo('server'), upTo('cli')],
  ),
  // electron-vite's ESM shim declares `require`, `__dirname` and `__filename` at the top of
  // every main-process bundle: a module declaring one of them breaks the built bundle.
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(VariableDeclarator, FunctionDeclaration, ClassDeclaration) > Identifier.id[name=/^(require|__dirname|__filename)$/]',
          message: 'electron-vite declares this name in the bundle: pick another (e.g. requireFromEngine).',
        },
      ],
    },
  },
  // renderer: shared only; never electron, node or tfjs-node.
  zone(
    ['src-renderer/**'],
    [
      nodeBuiltins,
      electron,
      { group: ['@tensorflow/tfjs-node*'], message: 'The renderer never loads tfjs-node.' },
      upTo('src-main'),
    ],
  ),
);
