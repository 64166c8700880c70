/**
 * Where the data files shipped in npm packages are read from. In Node (the
 * engine worker, the CLI, `serve`) that is node_modules. The GPU engine runs
 * in a browser page (engine/browser/), which cannot read files: there the
 * page asks its host, the desktop app's main process, which reads them with
 * {@link readPackagedFileFromDisk} (and only these files: a name is checked
 * against {@link isPackagedFileName} on both sides).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { requireFromEngine } from '../require-from-engine';

/** MNIST's digit files: `mnist-digit-0` … `mnist-digit-9`, the package's `src/digits/<d>.json`. */
export type PackagedFileName = `mnist-digit-${number}`;

export function isPackagedFileName(name: unknown): name is PackagedFileName {
  return typeof name === 'string' && /^mnist-digit-[0-9]$/.test(name);
}

/** A file's text from the installed package. */
export async function readPackagedFileFromDisk(name: PackagedFileName): Promise<string> {
  if (!isPackagedFileName(name)) throw new Error(`no packaged data file is called ${JSON.stringify(name)}`);
  const digit = name.slice('mnist-digit-'.length);
  const packageDir = dirname(requireFromEngine().resolve('mnist/package.json'));
  return readFile(join(packageDir, 'src', 'digits', `${digit}.json`), 'utf8');
}

let reader: (name: PackagedFileName) => Promise<string> = readPackagedFileFromDisk;

/** Replaces where packaged files are read from (the GPU page: its host). */
export function readPackagedFilesWith(read: (name: PackagedFileName) => Promise<string>): void {
  reader = read;
}

export function readPackagedFile(name: PackagedFileName): Promise<string> {
  return reader(name);
}
