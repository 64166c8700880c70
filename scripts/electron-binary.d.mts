/** Where Electron's executable is (see electron-binary.mjs). */
export function findElectronBinary(root: string): { ok: true; path: string } | { ok: false; reason: string };
