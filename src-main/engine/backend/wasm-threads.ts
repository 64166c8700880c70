/**
 * tfjs-wasm's threaded SIMD build (XNNPACK on a pthreadpool) in Node worker
 * threads, where the stock loader cannot start it.
 *
 * The stock `init()` hands Emscripten two `blob:` URLs: the pthread worker's
 * script and the main script each pthread re-evaluates. Node's `Worker`
 * refuses `blob:` URLs (ERR_WORKER_PATH), and the pthread's `importScripts`
 * shim reads files. Emscripten's Node support is otherwise complete, so both
 * scripts are written to a private temporary folder and passed as paths.
 *
 * The build also caps its pool at `emscripten_num_logical_cores() / 2`
 * (tfjs assumes two hyper-threads per core), which in Node is
 * `os.cpus().length / 2`: one thread on a two-core machine whatever
 * `setThreadsCount` says. The cap is read once, by a static constructor while
 * the module instantiates, so `os.cpus` reports enough entries for that
 * moment only.
 *
 * The result is the stock `BackendWasm` over the threaded module, registered
 * under the name `wasm`: every kernel tfjs-wasm registers, and the engine's
 * own wasm kernels, work on it unchanged. Thread count does not change the
 * numbers: XNNPACK splits a product or convolution into output tiles, each
 * computed whole by one thread with the same micro-kernel (wasm-threads.test.ts
 * checks whole runs' telemetry for equality).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireFromEngine } from '../require-from-engine';

/** The stock backend class and its thread setting (from the package the engine imported). */
export interface WasmPackage {
  BackendWasm: new (module: unknown) => object;
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

type Factory = ((config: Record<string, unknown>) => Promise<EmscriptenModule>) & { toString(): string };

interface EmscriptenModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  tfjs?: Record<string, (...args: number[]) => number>;
  wasmMemory: WebAssembly.Memory;
  PThread: { runningWorkers: { unref(): void }[] };
}

/** The started threaded module's pool: how many threads it has, and the switch to one and back. */
export interface ThreadPool {
  /** Threads in the pool the module started with. */
  readonly size: number;
  /** Threads the next operation runs on: `size` or 1. */
  threads(): number;
  /** Runs on `size` threads (true) or on the calling thread alone (false). */
  useAll(all: boolean): void;
}

let pool: ThreadPool | undefined;

/** The threaded module's pool, once one has started and its pool pointer was found. */
export function threadPool(): ThreadPool | undefined {
  return pool;
}

const THREADED = 'tfjs-backend-wasm-threaded-simd';

/** The factory and worker script of the threaded build, as installed beside the package. */
function threadedBuild(): { factory: Factory; workerScript: string } {
  const loaded = requireFromEngine()(`@tensorflow/tfjs-backend-wasm/wasm-out/${THREADED}.js`) as
    Factory | { default: Factory };
  const factory = typeof loaded === 'function' ? loaded : loaded.default;
  const { wasmWorkerContents } = requireFromEngine()(
    `@tensorflow/tfjs-backend-wasm/wasm-out/${THREADED}.worker.js`,
  ) as { wasmWorkerContents: string };
  // The contents sit in a template literal, which turned the script's own "\n" escapes into
  // newlines inside string literals; tfjs's loader escapes them back the same way.
  return { factory, workerScript: wasmWorkerContents.replace(/\n/g, '\\n') };
}

const folders = new Map<number, string>();

/**
 * Writes the two scripts once per pool size into a folder removed when the process exits, and
 * loads the factory from the written main script. Emscripten starts eight pthread workers
 * with every module (`PTHREAD_POOL_SIZE`), each a V8 isolate compiling the whole build; a
 * pool of `threads` uses `threads − 1` of them (the calling thread is the first), so the
 * written script starts that many (all eight when the text is not found: another build).
 */
function writeScripts(factory: Factory, workerScript: string, threads: number) {
  let folder = folders.get(threads);
  if (!folder) {
    folder = mkdtempSync(join(tmpdir(), 'backflow-wasm-'));
    const written = folder;
    process.once('exit', () => rmSync(written, { recursive: true, force: true }));
    writeFileSync(join(folder, 'worker.cjs'), workerScript);
    const source = factory
      .toString()
      .replace(/var pthreadPoolSize=\d+;/, `var pthreadPoolSize=${threads - 1};`);
    // Each pthread evaluates this to get the module's code, the factory bound to the global
    // name its worker script calls (tfjs's own loader builds the same text as a Blob); this
    // thread requires it, where `module` exists.
    writeFileSync(
      join(folder, 'main.cjs'),
      `var WasmBackendModuleThreadedSimd = ${source}\n` +
        `if (typeof module === 'object') module.exports = WasmBackendModuleThreadedSimd;\n`,
    );
    folders.set(threads, folder);
  }
  const main = join(folder, 'main.cjs');
  return { worker: join(folder, 'worker.cjs'), main, factory: requireFromEngine()(main) as Factory };
}

/**
 * The threaded module with a pool of `threads` (1..8: the build pre-starts eight pthread
 * workers), wrapped in tfjs's own `BackendWasm`. `wasmFolder` is where the `.wasm` binaries
 * are (the package's `dist/`, or the unpacked copy in a packaged app).
 */
export async function createThreadedWasmBackend(
  wasm: WasmPackage,
  threads: number,
  wasmFolder = dirname(requireFromEngine().resolve('@tensorflow/tfjs-backend-wasm')),
): Promise<object> {
  const built = threadedBuild();
  const scripts = writeScripts(built.factory, built.workerScript, threads);
  const factory = scripts.factory;
  const os = requireFromEngine()('node:os') as { cpus: () => unknown[] };
  const realCpus = os.cpus;
  const restore = () => {
    os.cpus = realCpus;
  };
  os.cpus = () => {
    const cpus = realCpus();
    while (cpus.length < 2 * threads) cpus.push(cpus[0]);
    return cpus;
  };
  let module: EmscriptenModule;
  try {
    module = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js')
          ? scripts.worker
          : path.endsWith('.wasm')
            ? join(wasmFolder, `${THREADED}.wasm`)
            : prefix + path,
      mainScriptUrlOrBlob: scripts.main,
      // Static constructors (the pool's cap among them) have run by now.
      onRuntimeInitialized: restore,
    });
  } finally {
    restore();
  }
  // The bridge tfjs's init() adds to the module before constructing the backend.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasm.setThreadsCount(threads);
  const backend = new wasm.BackendWasm(module);
  // The pool's pthreads run for the life of the module, and Emscripten keeps a running
  // pthread's worker referenced: the process would never exit on its own (a CLI run ended by
  // Ctrl-C, a test's fork). They only ever serve the calling thread, so they need not keep it alive.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  pool = switchablePool(module, readFileSync(join(wasmFolder, `${THREADED}.wasm`)));
  return backend;
}

/** The pool behind {@link ThreadPool}, if the pointer is where the binary says and holds this pool. */
function switchablePool(module: EmscriptenModule, binary: Uint8Array): ThreadPool | undefined {
  const address = threadpoolAddress(binary);
  const count = module.tfjs!.getThreadsCount;
  const word = () => new Uint32Array(module.wasmMemory.buffer, address, 1);
  if (address === undefined || address % 4 !== 0 || word()[0] === 0) return undefined;
  const size = count();
  const all = word()[0];
  // What get_threads_count says of a null pool (-1) proves the word is the pool's.
  word()[0] = 0;
  const nullCount = count();
  word()[0] = all;
  if (nullCount !== -1 || count() !== size) return undefined;
  return {
    size,
    threads: () => (word()[0] === 0 ? 1 : size),
    useAll: (useAll) => {
      word()[0] = useAll ? all : 0;
    },
  };
}

/**
 * Where the threaded build keeps its pool pointer (`tfjs::backend::threadpool`, a C++ global
 * in linear memory): the address `get_threads_count` loads first. tfjs exports no way to
 * change the pool after start-up except creating another (whose pthreads are never given
 * back), and a null pool runs every parallel loop on the calling thread (pthreadpool's
 * documented contract), so switching between all threads and one is writing this word.
 * Undefined when the function does not start with `i32.const ADDRESS; i32.load` (another
 * build): the pool then stays as it started.
 */
export function threadpoolAddress(binary: Uint8Array): number | undefined {
  const read = reader(binary);
  if (read.u32le() !== 0x6d736100) return undefined; // "\0asm"
  read.skip(4);
  let importedFunctions = 0;
  let exported: number | undefined;
  while (!read.done()) {
    const id = read.byte();
    const size = read.leb();
    const end = read.at + size;
    if (id === 2) importedFunctions = countImportedFunctions(read);
    else if (id === 7) exported = findExport(read, 'get_threads_count');
    else if (id === 10 && exported !== undefined) {
      const count = read.leb();
      for (let i = 0; i < count; i++) {
        const bodySize = read.leb();
        const bodyEnd = read.at + bodySize;
        if (i === exported - importedFunctions) {
          for (let groups = read.leb(); groups > 0; groups--) {
            read.leb();
            read.byte();
          }
          if (read.byte() !== 0x41) return undefined; // i32.const
          const address = read.sleb();
          return read.byte() === 0x28 ? address : undefined; // i32.load
        }
        read.seek(bodyEnd);
      }
      return undefined;
    }
    read.seek(end);
  }
  return undefined;
}

function countImportedFunctions(read: ReturnType<typeof reader>): number {
  let functions = 0;
  for (let count = read.leb(); count > 0; count--) {
    read.skip(read.leb()); // module
    read.skip(read.leb()); // field
    const kind = read.byte();
    if (kind === 0) {
      functions++;
      read.leb();
    } else if (kind === 1) {
      read.byte();
      limits(read);
    } else if (kind === 2) limits(read);
    else read.skip(2); // global: value type, mutability
  }
  return functions;
}

function limits(read: ReturnType<typeof reader>): void {
  const flags = read.byte();
  read.leb();
  if (flags & 1) read.leb();
}

function findExport(read: ReturnType<typeof reader>, name: string): number | undefined {
  let found: number | undefined;
  for (let count = read.leb(); count > 0; count--) {
    const length = read.leb();
    const exportName = Buffer.from(read.bytes(length)).toString('utf8');
    const kind = read.byte();
    const index = read.leb();
    if (kind === 0 && exportName === name) found = index;
  }
  return found;
}

function reader(binary: Uint8Array) {
  let at = 0;
  const byte = () => {
    if (at >= binary.length) throw new RangeError('past the end of the module');
    return binary[at++];
  };
  return {
    get at() {
      return at;
    },
    done: () => at >= binary.length,
    byte,
    skip: (n: number) => void (at += n),
    seek: (to: number) => void (at = to),
    bytes: (n: number) => binary.subarray(at, (at += n)),
    u32le: () => byte() | (byte() << 8) | (byte() << 16) | (byte() << 24),
    leb: () => {
      let result = 0;
      for (let shift = 0; ; shift += 7) {
        const b = byte();
        result += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) return result;
      }
    },
    sleb: () => {
      let result = 0;
      let shift = 0;
      let b: number;
      do {
        b = byte();
        result |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
    },
  };
}
