// Where Electron's executable is, found the way the `electron` package finds it but
// without requiring that package (which would try to download it). Shared by
// `npm start` (scripts/start.mjs) and the real-Electron end-to-end spec.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root the repository
 * @returns {{ ok: true, path: string } | { ok: false, reason: string }}
 */
export function findElectronBinary(root) {
  const pkg = join(root, 'node_modules/electron');
  if (!existsSync(join(pkg, 'package.json')))
    return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override)
    return {
      ok: false,
      reason: "Electron's binary has not been downloaded (node_modules/electron/path.txt is missing)",
    };
  const path = override ? join(override, relative ?? 'electron') : join(pkg, 'dist', relative);
  return existsSync(path)
    ? { ok: true, path }
    : { ok: false, reason: `the Electron executable ${path} does not exist` };
}
