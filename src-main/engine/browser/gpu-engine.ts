/**
 * The engine service in a browser page, on Chromium's own WebGPU: the desktop
 * app's way to a GPU where Dawn (the `webgpu` package) cannot run inside
 * Electron (its mapped buffers trip Electron's V8 memory cage). Main opens a
 * hidden window on this page and hands it one end of a MessageChannel; over
 * it go the same engine requests and events as to the worker thread
 * (src-shared/protocol.ts), plus the few host messages of host-messages.ts.
 *
 * The page serves webgpu runs and what belongs to them (their pause, resume,
 * step and stop, and their weights as Backflow's weights file); main keeps
 * everything that reads or writes files on the Node engine.
 */
import type { EngineEvent } from '../../../src-shared/protocol';
import { readPackagedFilesWith, type PackagedFileName } from '../data/packaged-files';
import { setMachineMemory } from '../memory-budget';
import { createEngineService } from '../service';
import { backendFailure, type WorkerExitNotice } from '../worker/backend-failure';
import { describeAdapter, prepareWebGpu } from '../backend/webgpu';
import {
  isGpuHostMessage,
  type GpuHostFile,
  type GpuPageAdapter,
  type GpuPageReadFile,
} from './host-messages';

/** The page's end of the channel (a DOM MessagePort; a test may pass its own). */
export interface EnginePort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

/** Starts the engine on `port`; `onEnd` runs once the engine ended itself over a broken backend. */
export function startGpuEngine(port: EnginePort, onEnd: () => void = () => undefined): void {
  const pendingFiles = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextFileId = 1;
  readPackagedFilesWith(
    (name: PackagedFileName) =>
      new Promise<string>((resolve, reject) => {
        const id = nextFileId++;
        pendingFiles.set(id, { resolve, reject });
        port.postMessage({ type: 'gpuPage.readFile', id, name } satisfies GpuPageReadFile);
      }),
  );
  const fileArrived = (answer: GpuHostFile) => {
    const pending = pendingFiles.get(answer.id);
    pendingFiles.delete(answer.id);
    if ('text' in answer) pending?.resolve(answer.text);
    else pending?.reject(new Error(answer.error));
  };

  let ended = false;
  const service = createEngineService((event: EngineEvent) => port.postMessage(event), {
    endsEngine(error) {
      const reason = backendFailure(error);
      if (reason === undefined) return false;
      // Nothing more is answered: the host reports the reason and closes this page.
      ended = true;
      port.postMessage({ type: 'engine.workerExiting', reason } satisfies WorkerExitNotice);
      service.dispose();
      onEnd();
      return true;
    },
  });
  port.addEventListener('message', ({ data }) => {
    if (ended) return;
    if (isGpuHostMessage(data)) {
      if (data.type === 'gpuHost.hello') setMachineMemory(data.machineBytes);
      else if (data.type === 'gpuHost.askAdapter') void reportAdapter(port);
      else fileArrived(data);
      return;
    }
    // handle() never throws and refuses anything that is not an engine request.
    void service.handle(data);
  });
  port.start();
}

/** Tells the host what adapter this page's WebGPU has (loading tfjs's webgpu backend on the way). */
async function reportAdapter(port: EnginePort): Promise<void> {
  const loaded = await prepareWebGpu().catch((error: unknown) => ({
    ok: false as const,
    reason: error instanceof Error ? error.message : String(error),
  }));
  const report: GpuPageAdapter = loaded.ok
    ? {
        type: 'gpuPage.adapter',
        ok: true,
        device: describeAdapter(loaded.adapter),
        software: loaded.adapter.software,
      }
    : { type: 'gpuPage.adapter', ok: false, reason: loaded.reason };
  port.postMessage(report);
}
