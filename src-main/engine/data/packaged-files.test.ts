/**
 * Packaged data files by name only: the GPU engine's page asks main for them
 * by name, so a name must never become a path main reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  isPackagedFileName,
  readPackagedFileFromDisk,
  readPackagedFilesWith,
  type PackagedFileName,
} from './packaged-files';
import { loadMnist } from './packaged';
import { createRandom } from './random';

afterEach(() => readPackagedFilesWith(readPackagedFileFromDisk));

describe('packaged data files', () => {
  it('knows MNIST digit files by name, and nothing else', () => {
    expect(isPackagedFileName('mnist-digit-0')).toBe(true);
    expect(isPackagedFileName('mnist-digit-9')).toBe(true);
    for (const name of ['mnist-digit-10', 'mnist-digit-../../package', '../package.json', '', 7, null])
      expect(isPackagedFileName(name)).toBe(false);
  });

  it('refuses to read a name that is not one of them', async () => {
    const hostile = 'mnist-digit-0/../../../package.json' as PackagedFileName;
    await expect(readPackagedFileFromDisk(hostile)).rejects.toThrow(/no packaged data file is called/);
  });

  it('loads MNIST through whatever reader is set (the GPU page asks its host)', async () => {
    const asked: string[] = [];
    readPackagedFilesWith((name) => {
      asked.push(name);
      return readPackagedFileFromDisk(name);
    });
    const data = await loadMnist(5, createRandom(1));
    expect(asked).toEqual(Array.from({ length: 10 }, (_, d) => `mnist-digit-${d}`));
    expect(data.n).toBe(5);
    readPackagedFilesWith(async () => '{"data": [1, 2, 3]}');
    await expect(loadMnist(5, createRandom(1))).rejects.toThrow(/not in the expected format/);
  });
});
