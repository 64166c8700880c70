/**
 * The zip writer against independent readers: Python's zipfile (which checks
 * every CRC in testzip) and Info-ZIP's `unzip -l` when it is installed.
 */
// The writer is pure, but checking it means handing its bytes to tools outside: only the test runs in Node.
/* eslint-disable no-restricted-imports */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/* eslint-enable no-restricted-imports */
import { describe, expect, it } from 'vitest';
import { crc32, createZip } from './zip';

const text = (value: string) => new TextEncoder().encode(value);

function writeZip(bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'backflow-zip-')), 'export.zip');
  writeFileSync(path, bytes);
  return path;
}

const hasCommand = (name: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('createZip', () => {
  const weights = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff);
  const entries = [
    { name: 'model.json', bytes: text('{"format":"layers-model"}\n') },
    { name: 'weights.bin', bytes: weights },
    { name: 'empty.txt', bytes: new Uint8Array(0) },
    { name: 'naïve-名前.py', bytes: text('print("hi")\n') },
  ];
  const path = writeZip(createZip(entries, new Date(2024, 4, 17, 13, 45, 30)));

  // Independent readers of the zip: skipped only on a machine without them (CI has both).
  it.skipIf(!hasCommand('python3'))('is read back byte for byte by Python zipfile, every CRC checked', () => {
    const script = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps([[i.filename, i.file_size, i.compress_type, list(i.date_time), hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))
`;
    const listed = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
    const sha = (bytes: Uint8Array) =>
      execFileSync(
        'python3',
        ['-c', 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'],
        {
          input: bytes,
          encoding: 'utf8',
        },
      ).trim();
    expect(listed).toEqual(
      entries.map((e) => [e.name, e.bytes.length, 0, [2024, 5, 17, 13, 45, 30], sha(e.bytes)]),
    );
  });

  // Skipped only where Debian's unzip is missing (.ci/run's machine has it).
  it.skipIf(!hasCommand('unzip'))('passes unzip -t (every CRC) and is listed by unzip -l', () => {
    expect(execFileSync('unzip', ['-t', path], { encoding: 'utf8' })).toContain('No errors detected');
    const listing = execFileSync('unzip', ['-l', path], { encoding: 'latin1' });
    // Info-ZIP shows non-ASCII names as the locale allows; the ASCII ones must be there as written.
    for (const e of entries.slice(0, 3)) expect(listing).toContain(e.name);
    expect(listing).toMatch(/70038\s+4 files/);
  });

  it('is an empty archive for no files', () => {
    expect(Array.from(createZip([]))).toEqual([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
  });
});
