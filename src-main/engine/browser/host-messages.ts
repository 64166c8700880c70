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

export type GpuHostMessage = GpuHostHello | GpuHostFile;

export function isGpuHostMessage(message: unknown): message is GpuHostMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'gpuHost.hello' || type === 'gpuHost.file';
}

export function isGpuPageReadFile(message: unknown): message is GpuPageReadFile {
  return (message as { type?: unknown } | null)?.type === 'gpuPage.readFile';
}
