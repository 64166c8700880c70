/**
 * The GPU engine as an EngineHost: a hidden, sandboxed window on the engine's
 * page (out/gpu-engine, engine/browser/), which trains on Chromium's own
 * WebGPU, talked to over a MessageChannelMain whose other end its preload
 * hands the page. Requests and events are the engine protocol's; the host
 * also answers the page's few questions (host-messages.ts): the machine's
 * memory, and MNIST's files by name.
 *
 * The window is never shown and is not throttled in the background (a run's
 * steps are paced by macrotasks). When its renderer dies, or the page ends its
 * engine over a broken backend, the host reports `engine.onExit` once with
 * the reason and closes the window; the router starts a new page on demand.
 */
import { BrowserWindow, MessageChannelMain, type MessagePortMain } from 'electron';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { EngineHostEvent } from '../../src-shared/bridge';
import { GPU_ENGINE_PORT_CHANNEL } from '../../src-shared/gpu-engine-port';
import type { EngineEvent } from '../../src-shared/protocol';
import {
  isGpuPageAdapter,
  isGpuPageReadFile,
  type GpuAdapterReport,
  type GpuHostFile,
  type GpuHostHello,
} from '../engine/browser/host-messages';
import { readPackagedFileFromDisk, type PackagedFileName } from '../engine/data/packaged-files';
import { backendFailureMessage, isWorkerExitNotice } from '../engine/worker/backend-failure';
import type { GpuEngineHost } from './engine-router';

export interface GpuWindowOptions {
  /** out/main, where the bundles sit side by side (preload, gpu-engine). */
  bundleDir: string;
}

export function createGpuWindowHost({ bundleDir }: GpuWindowOptions): GpuEngineHost {
  const listeners = new Set<(event: EngineHostEvent) => void>();
  const emit = (event: EngineHostEvent) => listeners.forEach((listener) => listener(event));
  let exited = false;
  /** Who asked for the adapter and waits for the page's answer. */
  const askedAdapter: ((report: GpuAdapterReport) => void)[] = [];

  const window = new BrowserWindow({
    show: false,
    title: 'Backflow GPU engine',
    // Written out as in window.ts, not shared: the Electron audit (scripts/audit-electron.mjs)
    // reads each window's options literally.
    webPreferences: {
      preload: join(bundleDir, '../preload/gpu-engine.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // A middle click on a link would otherwise open a window (the page has none).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      // A hidden window's timers are throttled (to once a second after a few minutes):
      // the engine paces its steps by macrotasks and would crawl.
      backgroundThrottling: false,
    },
  });
  const { port1: port, port2: pagePort } = new MessageChannelMain();

  const end = (message: string, code: number) => {
    if (exited) return;
    exited = true;
    port.close();
    if (!window.isDestroyed()) window.destroy();
    askedAdapter.splice(0).forEach((answer) => answer({ ok: false, reason: message }));
    emit({ type: 'engine.onExit', code, message });
  };

  port.on('message', ({ data }: { data: unknown }) => {
    if (exited) return;
    if (isWorkerExitNotice(data)) return end(backendFailureMessage(data.reason), 1);
    if (isGpuPageReadFile(data)) return void answerFileRead(port, data.id, data.name);
    if (isGpuPageAdapter(data)) {
      const { type: _type, ...report } = data;
      return askedAdapter.splice(0).forEach((answer) => answer(report));
    }
    // The page runs only the app's own code, but it is a renderer: pass on engine events only.
    if (isEngineEventShaped(data)) emit(data);
  });
  port.start();
  port.postMessage({ type: 'gpuHost.hello', machineBytes: totalmem() } satisfies GpuHostHello);

  // The page has nothing to navigate to, and no window of its own to open.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.once('did-finish-load', () => {
    window.webContents.postMessage(GPU_ENGINE_PORT_CHANNEL, null, [pagePort]);
  });
  window.webContents.on('did-fail-load', (_event, code, description) =>
    end(`the GPU engine's page did not load (${description}, ${code})`, 1),
  );
  window.webContents.on('render-process-gone', (_event, details) =>
    end(`the GPU engine stopped (${details.reason})`, details.exitCode || 1),
  );
  void window.loadFile(join(bundleDir, '../gpu-engine/index.html'));

  return {
    send(request) {
      if (exited) throw new Error('the GPU engine is not running; start a new one');
      port.postMessage(request);
    },
    adapter() {
      if (exited) return Promise.resolve({ ok: false, reason: 'the GPU engine is not running' });
      return new Promise<GpuAdapterReport>((resolve) => {
        askedAdapter.push(resolve);
        port.postMessage({ type: 'gpuHost.askAdapter' });
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async terminate() {
      if (exited) return;
      exited = true;
      port.close();
      if (!window.isDestroyed()) window.destroy();
      askedAdapter.splice(0).forEach((answer) => answer({ ok: false, reason: 'the GPU engine was closed' }));
    },
  };
}

/**
 * Reads a packaged file the page asked for. By name only: readPackagedFileFromDisk refuses any
 * other name, so what the page sends never becomes a path.
 */
async function answerFileRead(port: MessagePortMain, id: unknown, name: unknown): Promise<void> {
  if (typeof id !== 'number') return;
  const answer = await readPackagedFileFromDisk(name as PackagedFileName).then(
    (text): GpuHostFile => ({ type: 'gpuHost.file', id, text }),
    (error: Error): GpuHostFile => ({ type: 'gpuHost.file', id, error: error.message }),
  );
  port.postMessage(answer);
}
/** An object whose `type` names an engine event family (protocol.ts): what the page may send on. */
function isEngineEventShaped(data: unknown): data is EngineEvent {
  const type = (data as { type?: unknown } | null)?.type;
  return typeof type === 'string' && /^(train|export|import|preview|trial)\.on[A-Z]\w*$/.test(type);
}
