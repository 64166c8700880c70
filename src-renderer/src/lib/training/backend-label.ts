/**
 * The backend as a short chip ("WASM · CPU") and, for its tooltip, the whole
 * story: what the engine ran on and why the better candidates were not used.
 */
import type { BackendReport } from '../../../../src-shared/protocol';

/** Chip text per engine candidate: the library, then the device it computes on. */
const CHIP: Record<string, string> = {
  'tensorflow-gpu': 'TF · GPU',
  tensorflow: 'TF · CPU',
  webgpu: 'WebGPU · GPU',
  wasm: 'WASM · CPU',
  cpu: 'JS · CPU',
};

const LONG: Record<string, string> = {
  'tensorflow-gpu': 'native TensorFlow with CUDA',
  tensorflow: 'native TensorFlow on the CPU',
  webgpu: 'the GPU through WebGPU',
  wasm: 'WebAssembly on the CPU',
  cpu: 'plain JavaScript on the CPU (the slowest)',
};

export interface BackendLabel {
  chip: string;
  tooltip: string;
}

/** What to show for the backend of the current run; `null` before any run has started. */
export function backendLabel(report: BackendReport | null): BackendLabel {
  if (!report)
    return {
      chip: 'Auto',
      tooltip:
        'The engine picks the fastest backend for the design: the best CPU backend that loads (TensorFlow with CUDA, TensorFlow on the CPU, WebAssembly, then plain JavaScript), timed against a WebGPU GPU when there is one. Train to see which one this machine uses.',
    };
  const used = report.variant || report.name;
  const refused = report.attempts.filter((a) => !a.ok);
  const device = report.device ? ` (${report.device})` : '';
  const threads = report.threads && report.threads > 1 ? `, ${report.threads} threads` : '';
  const lines = [`Training on ${LONG[used] ?? used}${device}${threads}.`];
  if (report.why) lines.push(`Auto: ${report.why}.`);
  if (refused.length) {
    lines.push('Not used:');
    for (const a of refused) lines.push(`• ${a.candidate}: ${a.reason ?? 'unavailable'}`);
  }
  const chip = CHIP[used] ?? used.toUpperCase();
  return { chip: threads ? `${chip} ×${report.threads}` : chip, tooltip: lines.join('\n') };
}
