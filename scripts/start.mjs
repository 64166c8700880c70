// `npm start`: build the desktop bundles, make sure Electron's binary is there, launch.
// npm does not run electron's install script (package.json allowScripts); the package
// downloads its binary on first use, which is done here, up front, so that where the
// download cannot happen the user reads one paragraph about it instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(import.meta.dirname, '..');
const run = (command, args, options = {}) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...options });

const built = run('npm', ['run', 'build:desktop']);
if (built.status !== 0) process.exit(built.status ?? 1);

let binary = findElectronBinary(root);
let download = '';
if (!binary.ok) {
  console.log("Downloading Electron's binary (once)…");
  const result = run(process.execPath, [join(root, 'node_modules/electron/install.js')], { stdio: 'pipe' });
  download =
    `${result.stderr ?? ''}`
      .split('\n')
      .find((line) => /error/i.test(line))
      ?.trim() ?? '';
  binary = findElectronBinary(root);
}
if (!binary.ok) {
  console.error(
    [
      '',
      `Backflow's desktop app cannot start here: ${binary.reason}, and downloading it failed` +
        `${download ? ` (${download})` : ''}. The desktop bundles are built in out/. ` +
        'On a machine that can reach GitHub, `npm start` downloads Electron once and opens the app. ' +
        'Here, `npx backflow serve` runs the same app and engine in your browser ' +
        '(http://127.0.0.1:5180/), and `npx backflow --help` lists the command line.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
const preview = run('npx', ['electron-vite', 'preview', '--skipBuild']);
process.exit(preview.status ?? 1);
