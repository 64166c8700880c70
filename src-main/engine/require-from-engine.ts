/**
 * Node's `require`, resolving from the engine's own module, made on first use.
 * Lazily, because the same engine modules are also bundled for a browser page
 * (the GPU engine, engine/browser/), where no Node built-in exists and loading
 * a module must not call one. Not named `require`: electron-vite's ESM shim
 * declares that name at the top of the bundle.
 */
import { createRequire } from 'node:module';

let made: NodeJS.Require | undefined;

export function requireFromEngine(): NodeJS.Require {
  made ??= createRequire(import.meta.url);
  return made;
}
