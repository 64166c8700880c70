/**
 * For tests: how far a run on webgpu may be from the same run on the cpu
 * backend (1e-4 relative, issue 18), and the list of what differs. Used for
 * Dawn in Node (webgpu.test.ts) and for Chromium's WebGPU in the GPU engine's
 * page (browser/gpu-engine.test.ts).
 */
import type { StepRecord } from '../../../src-shared/telemetry';

export const RTOL = 1e-4;
/** Activation means of normalised layers are ~1e-8 on both: relative error means nothing there. */
export const ACTIVATION_ATOL = 1e-6;

/** A run's per-step telemetry, and the BatchNorm moving statistics (or any named values) after it. */
export interface Trained {
  records: StepRecord[];
  moving: Map<string, number[]>;
}

/** Every value of `gpu` outside the tolerance of `cpu`'s, named; empty when they agree. */
export function webgpuDifferences(cpu: Trained, gpu: Trained): string[] {
  const problems: string[] = [];
  const check = (what: string, a: number | null | undefined, b: number | null | undefined, atol = 1e-9) => {
    if (a === null || a === undefined || b === null || b === undefined) {
      if (a !== b) problems.push(`${what}: cpu ${a}, webgpu ${b}`);
    } else if (!(Math.abs(a - b) <= atol + RTOL * Math.abs(a))) {
      problems.push(`${what}: cpu ${a}, webgpu ${b}`);
    }
  };
  if (gpu.records.length !== cpu.records.length)
    problems.push(`steps: cpu ${cpu.records.length}, webgpu ${gpu.records.length}`);
  cpu.records.forEach((record, step) => {
    const other = gpu.records[step];
    if (!other) return;
    check(`step ${step} loss`, record.loss, other.loss);
    record.layers.forEach((layer, i) => {
      const at = `step ${step} ${layer.id}`;
      check(`${at} gradNorm`, layer.gradNorm, other.layers[i].gradNorm);
      check(`${at} outGradNorm`, layer.outGradNorm, other.layers[i].outGradNorm);
      check(`${at} activationMean`, layer.activationMean, other.layers[i].activationMean, ACTIVATION_ATOL);
      check(`${at} activationStd`, layer.activationStd, other.layers[i].activationStd, ACTIVATION_ATOL);
    });
  });
  for (const [key, values] of cpu.moving) {
    values.forEach((v, i) => check(`${key}[${i}]`, v, gpu.moving.get(key)?.[i], ACTIVATION_ATOL));
  }
  return problems;
}
