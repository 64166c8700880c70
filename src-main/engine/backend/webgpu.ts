/**
 * WebGPU in Node: Dawn through the `webgpu` npm package (Metal, Direct3D 12,
 * Vulkan; no CUDA), driving `@tensorflow/tfjs-backend-webgpu`. The package
 * is an optional dependency (about 130 MB of prebuilt Dawn for every
 * platform) loaded only when this candidate is tried, so a machine without it
 * gets a clear attempt failure instead of an engine that does not start.
 * In a browser page (the desktop app's GPU engine, engine/browser/) the same
 * code uses Chromium's own `navigator.gpu` instead of Dawn.
 */
import { readdirSync } from 'node:fs';
import { tf } from './tf';

/** What the adapter says it is, for reports and for telling software adapters apart. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software rasteriser (SwiftShader, llvmpipe/lavapipe, WARP): slower than the CPU backends. */
  software: boolean;
}

/** The result of loading WebGPU: an adapter and the tfjs backend on it, or why not. */
export type WebGpuLoad = { ok: true; adapter: AdapterSummary } | { ok: false; reason: string };

// Words a software adapter uses for itself in its info strings.
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|basic render|\bwarp\b|\bcpu\b/i;

/**
 * Whether an adapter's info describes a software rasteriser: `isFallbackAdapter`
 * where the implementation reports it, else its vendor, architecture, device and
 * description strings.
 */
export function isSoftwareAdapter(info: {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}): boolean {
  if (info.isFallbackAdapter === true) return true;
  return [info.vendor, info.architecture, info.device, info.description].some(
    (text) => typeof text === 'string' && SOFTWARE_ADAPTER.test(text),
  );
}

/** A one-line name for an adapter: "google swiftshader (SwiftShader driver 5.0.0)". */
export function describeAdapter(adapter: AdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = adapter.description || adapter.device;
  return `${name}${detail ? ` (${detail})` : ''}${adapter.software ? ', software' : ''}`;
}

/** The little of Dawn's WebGPU this module touches (the full types come with the optional package). */
interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface DawnAdapter {
  info?: DawnAdapterInfo;
  isFallbackAdapter?: boolean;
}
interface DawnGpu {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<DawnAdapter | null>;
}
interface Dawn {
  create(options: string[]): DawnGpu;
  globals: object;
}

/**
 * Imported through variables: the packages are optional, and a literal
 * specifier would make TypeScript and Vite resolve them where they are not
 * installed. Node resolves them at run time from node_modules, in the source
 * and in the built bundles alike.
 */
const DAWN_PACKAGE = 'webgpu';
const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

let loaded: Promise<WebGpuLoad> | undefined;

/**
 * Creates a Dawn GPU, checks it has an adapter and registers tfjs's `webgpu`
 * backend, without making it the active one. The outcome is kept: Dawn is set
 * up once per process.
 */
export function prepareWebGpu(): Promise<WebGpuLoad> {
  loaded ??= setUp();
  return loaded;
}

/** {@link prepareWebGpu}, then makes `webgpu` tfjs's active backend. */
export function loadWebGpu(): Promise<WebGpuLoad> {
  return prepareWebGpu().then(async (result) => {
    if (!result.ok) return result;
    return (await tf.setBackend('webgpu'))
      ? result
      : { ok: false, reason: 'the WebGPU backend failed to initialise (see the log for the adapter error)' };
  });
}

/** The adapter of a successful {@link loadWebGpu}, without loading anything. */
export async function loadedAdapter(): Promise<AdapterSummary | undefined> {
  const result = await loaded;
  return result?.ok ? result.adapter : undefined;
}

async function setUp(): Promise<WebGpuLoad> {
  // In a browser page (the desktop app's GPU engine, engine/browser/) Chromium's own WebGPU is
  // there already, and the page imported tfjs-backend-webgpu itself: no Dawn.
  const browserGpu = (globalThis as { navigator?: { gpu?: DawnGpu } }).navigator?.gpu;
  const gpu = browserGpu ?? (await createDawnGpu());
  if (typeof gpu === 'string') return { ok: false, reason: gpu };
  let adapter: DawnAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ok: false, reason: `no WebGPU adapter: ${firstLine(error)}` };
  }
  if (!adapter) return { ok: false, reason: `no WebGPU adapter: ${noAdapterHint(Boolean(browserGpu))}` };
  // Read field by field: a browser's GPUAdapterInfo keeps them as prototype getters, which a
  // spread would not copy. Chromium before 127 and Dawn differ on where isFallbackAdapter lives.
  const given = adapter.info;
  const info = {
    vendor: given?.vendor,
    architecture: given?.architecture,
    device: given?.device,
    description: given?.description,
    isFallbackAdapter: given?.isFallbackAdapter ?? adapter.isFallbackAdapter,
  };
  const summary: AdapterSummary = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info),
  };
  if (!browserGpu) {
    // Node 20 has no navigator; Node 21+ has one without `gpu`. Set it before the backend module
    // loads: tfjs-backend-webgpu registers itself at import only where navigator.gpu exists.
    const nav = ((globalThis as { navigator?: object }).navigator ??= {});
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  }
  if (!tf.findBackendFactory('webgpu')) {
    try {
      await import(/* @vite-ignore */ TFJS_WEBGPU_PACKAGE);
    } catch (error) {
      return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(error)}` };
    }
  }
  if (!tf.findBackendFactory('webgpu')) {
    return { ok: false, reason: '@tensorflow/tfjs-backend-webgpu did not register (navigator.gpu missing)' };
  }
  return { ok: true, adapter: summary };
}

/** Dawn's GPU from the optional `webgpu` package, its globals installed; or why not. */
async function createDawnGpu(): Promise<DawnGpu | string> {
  let dawn: Dawn;
  try {
    dawn = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as Dawn;
  } catch (error) {
    const message = firstLine(error);
    return /Cannot find (package|module)/.test(message)
      ? 'the webgpu package is not installed (it is optional: npm install webgpu)'
      : `the webgpu package failed to load: ${message}`;
  }
  // tfjs-backend-webgpu reads navigator.gpu and the GPU* constants (GPUBufferUsage, …) as globals.
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}

/**
 * Why `auto` should not even load Dawn here, or undefined to try it: on Linux
 * without a GPU device node Dawn finds nothing and its Vulkan loader prints
 * warnings on every run. A configured Vulkan driver (VK_ICD_FILENAMES) is tried.
 */
export function noGpuDevice(
  platform: NodeJS.Platform = process.platform,
  list: (folder: string) => string[] = listOrNothing,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (platform !== 'linux' || env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return undefined;
  const dev = list('/dev');
  // A DRM render node (Mesa, AMD, Intel, NVIDIA with nvidia-drm), NVIDIA's own node, WSL2's GPU.
  if (list('/dev/dri').some((name) => name.startsWith('renderD'))) return undefined;
  if (dev.includes('nvidia0') || dev.includes('dxg')) return undefined;
  return 'no GPU device on this machine (no /dev/dri render node)';
}

function listOrNothing(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/** What a user can do when Dawn (or Chromium's WebGPU, `inBrowser`) finds no adapter, by platform. */
function noAdapterHint(inBrowser: boolean): string {
  if (inBrowser) return "Chromium's WebGPU found no GPU (its GPU blocklist or driver; see chrome://gpu)";
  if (process.platform === 'linux') {
    return (
      'Dawn found no Vulkan device (a GPU driver with Vulkan and libvulkan1 are needed; ' +
      "without a GPU, VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json uses Chromium's software SwiftShader)"
    );
  }
  if (process.platform === 'win32')
    return 'Dawn found no Direct3D 12 or Vulkan device (update the GPU driver)';
  if (process.platform === 'darwin') return 'Dawn found no Metal device';
  return `Dawn has no adapter on ${process.platform}`;
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
