/**
 * The desktop app laid out as electron-builder packages it (electron-builder.yml),
 * for the Electron double to run with `app.isPackaged` true: `resources/app.asar`
 * holds package.json, out/ and the production node_modules; the files matched by
 * `asarUnpack` live only in `resources/app.asar.unpacked`; `extraResources` puts
 * the examples and the schema in `resources/`. The archive is a plain folder here
 * (Node has no asar reader), so what this checks is that every file the app reads
 * by path is where the packaged app has it: a path into the archive for an
 * unpacked file fails here as it would fail to load in the real app.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './desktop';

/** electron-builder.yml's `asarUnpack` patterns that match files present here, as tests on a relative path. */
export const ASAR_UNPACK: { pattern: string; test: (path: string) => boolean }[] = [
  {
    pattern: 'node_modules/@tensorflow/tfjs-backend-wasm/**/*.wasm',
    test: (p) => p.startsWith('node_modules/@tensorflow/tfjs-backend-wasm/') && p.endsWith('.wasm'),
  },
  { pattern: "'**/*.node'", test: (p) => p.endsWith('.node') },
];
/** electron-builder.yml's `extraResources`: from → to. */
export const EXTRA_RESOURCES = [
  { from: 'resources/examples', to: 'examples', filter: (name: string) => name.endsWith('.backflow.json') },
  { from: 'resources/schema', to: 'schema', filter: () => true },
];

const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );

/** Lays the app out under `target`; returns its `resources` folder. */
export function layOutPackagedApp(target: string): string {
  const config = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  for (const { pattern } of ASAR_UNPACK)
    if (!config.includes(pattern)) throw new Error(`electron-builder.yml no longer has ${pattern}`);
  const resources = join(target, 'resources');
  const asar = join(resources, 'app.asar');
  mkdirSync(asar, { recursive: true });
  // files: out/**/*, package.json, !**/*.map
  cpSync(join(ROOT, 'out'), join(asar, 'out'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map') && !source.includes('renderer-web'),
  });
  writeFileSync(join(asar, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  // Production dependencies, as electron-builder collects them (hard links: fast, no copy).
  const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT })
    .toString()
    .split('\n')
    .map((path) => relative(ROOT, path))
    .filter((path) => path.startsWith('node_modules/') && !path.slice(13).includes('node_modules/'));
  for (const path of production) {
    mkdirSync(dirname(join(asar, path)), { recursive: true });
    execFileSync('cp', ['-al', join(ROOT, path), join(asar, path)]);
  }
  for (const file of filesUnder(asar)) {
    const path = relative(asar, file);
    if (!ASAR_UNPACK.some(({ test }) => test(path))) continue;
    const unpacked = join(resources, 'app.asar.unpacked', path);
    mkdirSync(dirname(unpacked), { recursive: true });
    renameSync(file, unpacked);
  }
  for (const { from, to, filter } of EXTRA_RESOURCES)
    cpSync(join(ROOT, from), join(resources, to), {
      recursive: true,
      filter: (source) => source === join(ROOT, from) || filter(source),
    });
  return resources;
}
