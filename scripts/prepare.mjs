// `prepare` (run by `npm install` and `npm ci` in a clone): builds what `npx backflow`
// runs — the CLI bundle (out/cli) and the renderer `serve` hands to browsers
// (out/renderer-web) — so the command works straight after installing. An install
// without the development dependencies (`npm install --omit=dev`) cannot build: it
// keeps the build it has, or says what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const canBuild = ['vite', '@sveltejs/vite-plugin-svelte'].every((name) =>
  existsSync(join(root, 'node_modules', name, 'package.json')),
);
const built = ['out/cli/backflow.js', 'out/renderer-web/index.html'].filter((file) =>
  existsSync(join(root, file)),
);

if (!canBuild) {
  if (built.length === 2) {
    console.log('backflow: using the CLI and renderer already built in out/ (Vite is not installed)');
    process.exit(0);
  }
  console.error(
    'backflow: out/cli and out/renderer-web are not built, and Vite (a development dependency) ' +
      'is not installed to build them. Run `npm install` with the development dependencies, ' +
      'or install from a copy that has out/ built.',
  );
  process.exit(1);
}
for (const script of ['build:cli', 'build:web']) {
  const result = spawnSync('npm', ['run', '--silent', script], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
