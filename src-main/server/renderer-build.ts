/**
 * The browser mode serves the renderer built for the web (out/renderer-web).
 * `backflow serve` builds it when it is missing or older than the sources it
 * comes from, so a fresh clone or a `git pull` needs no separate step. The
 * build goes to a temporary folder first and replaces the old one in a
 * rename, so a server already running elsewhere never serves half a build.
 */
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { build as ViteBuild } from 'vite';

/** The repository root, from this file's place in it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the web build of the renderer lives. */
export const RENDERER_WEB_DIR = join(REPO_ROOT, 'out', 'renderer-web');
/** What the renderer bundle is built from: its own sources, the shared code, the bundled examples. */
export const RENDERER_SOURCES = ['src-renderer', 'src-shared', 'resources/examples'].map((dir) =>
  join(REPO_ROOT, dir),
);

/** Newest modification time (ms) of the files under `dirs`, tests excluded. */
export async function newestSourceTime(dirs: readonly string[]): Promise<number> {
  let newest = 0;
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // a missing folder has nothing newer in it
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) await visit(path);
      } else if (entry.isFile() && !/\.test\.ts$/.test(entry.name)) {
        newest = Math.max(newest, (await stat(path)).mtimeMs);
      }
    }
  };
  for (const dir of dirs) await visit(dir);
  return newest;
}

/** Why a build is needed, or null when `outDir` is up to date with `sources`. */
export async function staleReason(outDir: string, sources: readonly string[]): Promise<string | null> {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return `${outDir} has no index.html`;
  const built = (await stat(index)).mtimeMs;
  const newest = await newestSourceTime(sources);
  return newest > built ? 'the renderer sources changed since the last build' : null;
}

/**
 * Builds the renderer into `outDir` if it is stale, with Vite and
 * src-renderer/vite.config.ts, reporting what it does through `log`.
 */
export async function ensureRendererBuilt(
  log: (line: string) => void,
  outDir: string = RENDERER_WEB_DIR,
  sources: readonly string[] = RENDERER_SOURCES,
): Promise<void> {
  const reason = await staleReason(outDir, sources);
  if (reason === null) return log(`Using the renderer built in ${outDir}`);
  // Vite (and the Svelte compiler) load only when a build is needed, and are development
  // dependencies: an install without them (`npm install --omit=dev`) serves the build it has.
  let build: typeof ViteBuild;
  try {
    ({ build } = await import('vite'));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    if (existsSync(join(outDir, 'index.html')))
      return log(
        `Using the renderer built in ${outDir} (${reason}, but Vite is not installed to rebuild it)`,
      );
    throw new Error(
      `${reason}, and Vite is not installed to build it: run \`npm run build\` where the development dependencies are installed`,
      { cause: error },
    );
  }
  log(`Building the renderer for the browser (${reason})…`);
  const started = Date.now();
  const building = `${outDir}.building-${process.pid}`;
  const retired = `${outDir}.old-${process.pid}`;
  try {
    await build({
      configFile: join(REPO_ROOT, 'src-renderer', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: building, emptyOutDir: true },
    });
    if (existsSync(outDir)) await rename(outDir, retired);
    await rename(building, outDir);
  } finally {
    await rm(building, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
  log(`Built the renderer into ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
