/**
 * The built desktop bundles in out/ are what users run (conventions 19), so
 * they are checked as built, not through tsx: every file parses, and the
 * bundled engine worker trains in a plain Node `Worker`, on built-in data and
 * on a CSV file beside its design. The command line ships built too
 * (out/cli): it runs with only the runtime dependencies, starts without
 * TensorFlow.js for help and `validate`, and its `serve` trains through the
 * workers bundled beside it. `npm test` builds them first (`npm run build`);
 * run that after changing src-* when running this alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHostEvent } from '../src-shared/bridge';
import type { EngineEvent, EngineRequest } from '../src-shared/protocol';
import { loadedModules, tfjs } from './cli/test-fixtures/loaded-modules';
import { WORKLOADS } from './engine/bench/workloads';
import { createEngineHost, type EngineHost } from './engine/worker/host';
import { openSocket } from './server/test-support';

const root = join(__dirname, '..');
const out = join(root, 'out');
const workerFile = join(out, 'main/engine-worker.js');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

/** The newest source file the main-process bundles are built from. */
function newestSource(): number {
  return ['src-main', 'src-shared']
    .flatMap((folder) => filesUnder(join(root, folder)))
    .filter((file) => /\.(ts|mjs|wasm)$/.test(file) && !file.endsWith('.test.ts'))
    .reduce((newest, file) => Math.max(newest, statSync(file).mtimeMs), 0);
}

const cliFile = join(out, 'cli/backflow.js');
for (const file of [workerFile, cliFile]) {
  const built = existsSync(file);
  if (!built || statSync(file).mtimeMs < newestSource())
    throw new Error(`out/ is ${built ? 'older than the sources' : 'missing'}: run \`npm run build\` first`);
}

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** Runs `request` on `host` until the run ends, collecting its events. */
function runToEnd(host: EngineHost, request: Extract<EngineRequest, { type: 'train.start' }>) {
  return new Promise<EngineHostEvent[]>((resolve, reject) => {
    const events: EngineHostEvent[] = [];
    const timer = setTimeout(() => reject(new Error(`no end: ${JSON.stringify(events.at(-1))}`)), 90_000);
    const off = host.onEvent((event) => {
      events.push(event);
      const ended =
        event.type === 'engine.onExit' ||
        (event.type === 'train.onError' && event.runId === request.runId) ||
        (event.type === 'train.onState' &&
          event.runId === request.runId &&
          ['finished', 'stopped', 'diverged'].includes(event.state));
      if (ended) {
        clearTimeout(timer);
        off();
        resolve(events);
      }
    });
    host.send(request);
  });
}

describe('the built bundles', () => {
  const bundles = filesUnder(out).filter((file) => /\.(m?js|cjs)$/.test(file) && !file.includes('renderer'));

  it.each(bundles.map((file) => [relative(root, file), file]))('%s parses', (_name, file) => {
    // `node --check` exits non-zero, with the SyntaxError on stderr, for a file that does not parse.
    expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' })).not.toThrow();
  });

  it('has the main process, the engine worker, the GPU engine page and CommonJS preloads', () => {
    const names = bundles.map((file) => relative(out, file));
    expect(names).toEqual(
      expect.arrayContaining([
        'main/index.js',
        'main/engine-worker.js',
        'preload/index.cjs',
        'preload/gpu-engine.cjs',
      ]),
    );
    expect(existsSync(join(out, 'gpu-engine/index.html'))).toBe(true);
    // A sandboxed preload cannot load modules: it must be one file with no imports but electron.
    for (const file of ['preload/index.cjs', 'preload/gpu-engine.cjs']) {
      const preload = readFileSync(join(out, file), 'utf8');
      expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    }
  });

  describe('the engine worker in a plain Node Worker', () => {
    const host = createEngineHost(new URL(`file://${workerFile}`));
    afterAll(() => host.terminate());

    it('trains an example and streams per-layer telemetry', async () => {
      const examples = join(root, 'resources/examples');
      const events = await runToEnd(host, {
        type: 'train.start',
        runId: 1,
        designText: readFileSync(join(examples, 'deep-sigmoid.backflow.json'), 'utf8'),
        designDir: examples,
        backend: 'wasm',
        telemetryEvery: 1,
        maxSteps: 5,
      });
      const started = events.find((e): e is Of<'train.onStarted'> => e.type === 'train.onStarted');
      expect(started?.backend.name).toBe('wasm');
      const steps = events.filter((e): e is Of<'train.onStep'> => e.type === 'train.onStep');
      expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
      expect(steps.every((s) => Number.isFinite(s.loss) && s.stats !== null)).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'train.onState', state: 'finished' });
    });

    it('splits a wide MLP’s products over helper threads it starts from the bundle', async () => {
      // The helpers are worker threads evaluated from a string in the bundle (gemm-threads.ts).
      const before = process.env.BACKFLOW_WASM_THREADS;
      process.env.BACKFLOW_WASM_THREADS = '2';
      const threaded = createEngineHost(new URL(`file://${workerFile}`));
      if (before === undefined) delete process.env.BACKFLOW_WASM_THREADS;
      else process.env.BACKFLOW_WASM_THREADS = before;
      try {
        const wide = WORKLOADS.find((w) => w.name === 'W2')!.design;
        const began = performance.now();
        const events = await runToEnd(threaded, {
          type: 'train.start',
          runId: 2,
          designText: JSON.stringify(wide),
          designDir: root,
          backend: 'wasm',
          telemetryEvery: 1,
          maxSteps: 5,
        });
        const started = events.find((e): e is Of<'train.onStarted'> => e.type === 'train.onStarted');
        expect(started?.backend.threads).toBe(2);
        const steps = events.filter((e): e is Of<'train.onStep'> => e.type === 'train.onStep');
        expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
        expect(steps.every((s) => Number.isFinite(s.loss))).toBe(true);
        // A helper that failed to start would cost the 10 s its caller waits before doing the band itself.
        expect(performance.now() - began).toBeLessThan(8000);
      } finally {
        threaded.terminate();
      }
    });

    it('trains on a CSV file beside the design, and names the folder when it is missing', async () => {
      const file = join(root, 'e2e/fixtures/iris-csv/iris-from-csv.backflow.json');
      const request = {
        type: 'train.start' as const,
        runId: 2,
        designText: readFileSync(file, 'utf8'),
        designDir: dirname(file),
        backend: 'wasm' as const,
        telemetryEvery: 0,
        maxSteps: 40,
      };
      const events = await runToEnd(host, request);
      const started = events.find((e): e is Of<'train.onStarted'> => e.type === 'train.onStarted');
      expect(started?.layers.map((l) => l.id)).toEqual(['d1', 'out']);
      const steps = events.filter((e): e is Of<'train.onStep'> => e.type === 'train.onStep');
      expect(steps).toHaveLength(40);
      // Iris is easy: 40 Adam steps take the loss well below its start (ln 3 ≈ 1.1).
      expect(steps.at(-1)!.loss).toBeLessThan(steps[0].loss * 0.7);

      const unsaved = await runToEnd(host, { ...request, runId: 3, designDir: null });
      expect(unsaved.at(-1)).toMatchObject({
        type: 'train.onError',
        error: { type: 'data', message: expect.stringContaining('data/iris.csv') },
      });
    });
  });

  describe('the engine worker on WebGPU', () => {
    // Dawn (the `webgpu` package, left outside the bundle) finds Chromium's SwiftShader where it is installed.
    const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
    const software = !process.env.VK_ICD_FILENAMES && existsSync(icd);
    const host = createEngineHost(new URL(`file://${workerFile}`));
    // Only this test's Dawn reads them (when it creates its instance): the other tests' children do not see them.
    const saved = {
      VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES,
      XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR,
    };
    beforeAll(() => {
      if (software) process.env.VK_ICD_FILENAMES = icd;
      process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'backflow-xdg-'));
    });
    afterAll(() => {
      host.terminate();
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    });

    it('loads the webgpu package and trains, or says there is no adapter', async () => {
      const examples = join(root, 'resources/examples');
      const events = await runToEnd(host, {
        type: 'train.start',
        runId: 1,
        designText: readFileSync(join(examples, 'deep-sigmoid.backflow.json'), 'utf8'),
        designDir: examples,
        backend: 'webgpu',
        telemetryEvery: 1,
        maxSteps: 2,
      });
      const started = events.find((e): e is Of<'train.onStarted'> => e.type === 'train.onStarted');
      if (!started) {
        expect(events.at(-1)).toMatchObject({
          type: 'train.onError',
          error: { type: 'backend', message: expect.stringContaining('webgpu: no WebGPU adapter') },
        });
        expect(software, 'SwiftShader is installed here, so WebGPU must train').toBe(false);
        return;
      }
      expect(started.backend).toMatchObject({ name: 'webgpu', device: expect.stringMatching(/\S/) });
      const steps = events.filter((e): e is Of<'train.onStep'> => e.type === 'train.onStep');
      expect(steps.map((s) => s.step)).toEqual([0, 1]);
      expect(steps.every((s) => Number.isFinite(s.loss) && s.stats !== null)).toBe(true);
    });
  });
});

describe('the built command line (out/cli)', () => {
  const cli = join(out, 'cli');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    bin: { backflow: string };
    dependencies: Record<string, string>;
    optionalDependencies: Record<string, string>;
  };
  const example = join(root, 'resources/examples/deep-sigmoid.backflow.json');

  it("is package.json's bin, a script with its workers beside it", () => {
    expect(join(root, manifest.bin.backflow)).toBe(cliFile);
    expect(readFileSync(cliFile, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    for (const file of ['engine-worker.js', 'read-worker.js', 'pytorch_reference.py'])
      expect(existsSync(join(cli, file)), file).toBe(true);
  });

  it('imports only Node built-ins and runtime dependencies (so `npm install --omit=dev` runs it)', () => {
    const runtime = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.optionalDependencies),
    ]);
    const imported = new Set<string>();
    for (const file of filesUnder(cli).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g,
      )) {
        const specifier = m[1] ?? m[2];
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        imported.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0],
        );
      }
    }
    // Vite is loaded only to rebuild a stale renderer, and its absence is handled (renderer-build.ts).
    expect([...imported].filter((name) => !runtime.has(name) && name !== 'vite')).toEqual([]);
    expect(imported).toContain('@tensorflow/tfjs');
  });

  it('prints its version and help without loading TensorFlow.js; a command that needs it loads it', async () => {
    expect(execFileSync(process.execPath, [cliFile, '--version'], { encoding: 'utf8' })).toBe(
      `backflow ${manifest.version}\n`,
    );
    for (const args of [['--help'], ['help', 'export'], ['validate', example]]) {
      const { code, modules } = await loadedModules(cliFile, args);
      expect(code, args.join(' ')).toBe(0);
      expect(modules.some((url) => url.includes('/out/cli/'))).toBe(true);
      expect(tfjs(modules), args.join(' ')).toEqual([]);
    }
    const exported = await loadedModules(cliFile, ['export', example, '--format', 'tfjs']);
    expect(exported.code).toBe(2);
    expect(tfjs(exported.modules)).not.toEqual([]);
  }, 60_000);

  it('serves the app and trains through the bundled engine and request-reading workers', async () => {
    const child = spawn(process.execPath, [cliFile, 'serve', '--port', '0'], { cwd: root });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address: ${stdout}`)), 90_000);
        child.stdout.on('data', () => {
          const found = /open http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
          if (found) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
      });
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<!doctype html>');
      const socket = await openSocket(`ws://127.0.0.1:${port}/engine`);
      // Past 64 KB a message is read on the request-reading worker (request-reader.ts), so both workers run.
      const designText = readFileSync(example, 'utf8') + ' '.repeat(100 * 1024);
      socket.ws.send(
        JSON.stringify({
          type: 'train.start',
          runId: 1,
          designText,
          designDir: null,
          backend: 'wasm',
          telemetryEvery: 1,
          maxSteps: 3,
        }),
      );
      await socket.waitFor(
        (e) => (e.type === 'train.onState' && e.state === 'finished') || e.type === 'train.onError',
      );
      expect(socket.events.find((e) => e.type === 'train.onError')).toBeUndefined();
      expect(socket.events.filter((e) => e.type === 'train.onStep')).toHaveLength(3);
      socket.ws.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('Stopped.');
  }, 120_000);
});
