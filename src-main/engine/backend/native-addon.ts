/**
 * Whether a native TensorFlow binding could load, judged from the files alone.
 * Kept apart from backend.ts, which imports TensorFlow.js: `validate` asks
 * which backend `auto` would pick without paying for loading it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackendName } from './backend';
import { requireFromEngine } from '../require-from-engine';

/** The native bindings `auto` tries first, best first. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * Why `packageName` cannot load, or undefined when its compiled add-on is
 * there. The package is an optional dependency whose install step downloads
 * libtensorflow; where that failed the package may be absent or
 * half-installed, and requiring a half-installed one registers tfjs kernels
 * twice, so the add-on is looked for before anything is required.
 */
export function nativeAddonProblem(packageName: string): string | undefined {
  let packageJson: string;
  try {
    packageJson = requireFromEngine().resolve(`${packageName}/package.json`);
  } catch {
    return `${packageName} is not installed (it is optional; its install downloads libtensorflow)`;
  }
  const root = dirname(packageJson);
  const hasAddon = ['lib', 'deps/lib'].some((folder) => {
    const dir = join(root, folder);
    return existsSync(dir) && findAddon(dir);
  });
  return hasAddon
    ? undefined
    : `${packageName} is installed but its native add-on was not built (libtensorflow missing)`;
}

function findAddon(dir: string): boolean {
  // Layout: lib/napi-v8/tfjs_binding.node
  for (const version of ['napi-v8', 'napi-v9', 'napi-v7', 'napi-v6', 'napi-v5']) {
    if (existsSync(join(dir, version, 'tfjs_binding.node'))) return true;
  }
  return false;
}

/**
 * The backend `initBackend('auto')` would end on, when that is certain
 * without loading anything: WebAssembly where no native binding is built
 * (should WebAssembly fail, JavaScript's larger memory budget only makes the
 * answer conservative). Undefined where a native binding might load: only
 * loading it tells.
 */
export function autoBackendWithoutLoading(): BackendName | undefined {
  return NATIVE_PACKAGES.every((name) => nativeAddonProblem(name) !== undefined) ? 'wasm' : undefined;
}
