/**
 * The engine's hand-written WebAssembly (stats.wat, layer-kernels.wat) is
 * shipped compiled, as base64 in a generated module; each one's test compiles
 * the text with wabt and keeps the generated module equal to it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtFactory from 'wabt';

/** The binary of the .wat file at `url` (SIMD, bulk memory and mutable globals allowed). */
export async function compileWat(url: URL): Promise<Uint8Array> {
  const wabt = await wabtFactory();
  const path = fileURLToPath(url);
  const module = wabt.parseWat(path, readFileSync(path, 'utf8'), {
    simd: true,
    bulk_memory: true,
    mutable_globals: true,
  });
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** The generated module's text: `name` = the binary in base64, under a header saying how to redo it. */
export function generatedModule(
  wat: string,
  test: string,
  command: string,
  name: string,
  binary: Uint8Array,
): string {
  const header = `// Generated from ${wat} by ${test} (\`${command}\`): do not edit.\n`;
  return `${header}export const ${name} =\n  '${Buffer.from(binary).toString('base64')}';\n`;
}

/**
 * A fresh memory for a test of such a module, with a bump allocator over it
 * (16-byte aligned, like tfjs's heap, nothing at 0, a gap after each block so a
 * kernel that writes one value too far shows) and `place`: values copied in, or
 * `length` values of garbage a kernel must overwrite. `view()` reads them back.
 */
export function testHeap(bytes: number) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((bytes + 4096) / 65536) });
  let next = 64;
  const allocate = (size: number) => {
    const at = next;
    next += Math.ceil(size / 16) * 16 + 16;
    return at;
  };
  const place = (values: ArrayLike<number> | number) => {
    const length = typeof values === 'number' ? values : values.length;
    const at = allocate(length * 4);
    const view = () => new Float32Array(memory.buffer, at, length);
    if (typeof values === 'number') view().fill(12345);
    else view().set(values);
    return { at, view };
  };
  return { memory, allocate, place };
}

/** `n` values in [−1, 1) from a linear congruential generator seeded with `seed` (the same every run). */
export function randomValues(n: number, seed: number): Float32Array {
  let state = seed;
  const next = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}
