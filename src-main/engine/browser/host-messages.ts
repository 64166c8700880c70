/**
 * What the GPU engine's page and its host say to each other besides the
 * engine protocol, on the same MessagePort: the host tells the machine's
 * memory (a page cannot ask), the page asks for packaged data files (a page
 * cannot read them) and says when its backend broke and it is ending. Engine
 * requests and events (src-shared/protocol.ts) share the port; these are told
 * apart by their `type`.
 */
import type { PackagedFileName } from '../data/packaged-files';

/** Host → page, first on the port: what the page cannot find out itself. */
export interface GpuHostHello {
  type: 'gpuHost.hello';
  /** `os.totalmem()` of the host: the memory budget of a webgpu run is half of it. */
  machineBytes: number;
}

/** Page → host: the text of a packaged data file (MNIST's digits), answered by {@link GpuHostFile}. */
export interface GpuPageReadFile {
  type: 'gpuPage.readFile';
  id: number;
  name: PackagedFileName;
}

/** Host → page: the answer to {@link GpuPageReadFile}. */
export type GpuHostFile = { type: 'gpuHost.file'; id: number } & ({ text: string } | { error: string });

/** Host → page: which WebGPU adapter is there? Answered by {@link GpuPageAdapter}. */
export interface GpuHostAskAdapter {
  type: 'gpuHost.askAdapter';
}

/** What the page's WebGPU offers: `auto` considers a hardware adapter only. */
export type GpuAdapterReport =
  { ok: true; device: string; software: boolean } | { ok: false; reason: string };

/** Page → host: the answer to {@link GpuHostAskAdapter}. */
export type GpuPageAdapter = { type: 'gpuPage.adapter' } & GpuAdapterReport;

export type GpuHostMessage = GpuHostHello | GpuHostFile | GpuHostAskAdapter;

export function isGpuHostMessage(message: unknown): message is GpuHostMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'gpuHost.hello' || type === 'gpuHost.file' || type === 'gpuHost.askAdapter';
}

export function isGpuPageAdapter(message: unknown): message is GpuPageAdapter {
  return (message as { type?: unknown } | null)?.type === 'gpuPage.adapter';
}

export function isGpuPageReadFile(message: unknown): message is GpuPageReadFile {
  return (message as { type?: unknown } | null)?.type === 'gpuPage.readFile';
}
