/** `backflow bench`: the benchmark suite, as a table or (`--json`) one JSON object. */
import { initBackend } from '../../engine/backend/backend';
import { runPytorchReference } from '../../engine/bench/pytorch';
import { runWorkload, type WorkloadResult } from '../../engine/bench/run-bench';
import { WORKLOADS } from '../../engine/bench/workloads';
import { statsImplementation } from '../../engine/telemetry/stats-kernel';
import { EXIT, UsageError, type CliIO } from '../io';
import { backendOption, intOption } from '../options';

export async function benchCommand(values: Record<string, unknown>, io: CliIO): Promise<number> {
  const steps = intOption(values, 'steps', 1, 100_000) ?? 40;
  // Each window times both modes back to back; the overhead is the median of their ratios,
  // so more windows resist the load of a shared machine better (9 × 2 × 40 steps of W4: ~1.5 min).
  const windows = intOption(values, 'windows', 1, 1000) ?? 9;
  const names =
    typeof values.workloads === 'string'
      ? values.workloads.split(',').map((s) => s.trim())
      : WORKLOADS.map((w) => w.name);
  const unknown = names.filter((n) => !WORKLOADS.some((w) => w.name === n));
  if (unknown.length)
    throw new UsageError(
      `unknown workload ${unknown.join(', ')}; choose from ${WORKLOADS.map((w) => w.name).join(', ')}`,
    );
  const backend = await initBackend(backendOption(values));
  const json = values.json === true;
  const log = (text: string) => (json ? io.err(`${text}\n`) : io.out(`${text}\n`));
  log(
    `backend: ${backend.variant}${backend.attempts
      .filter((a) => !a.ok)
      .map((a) => ` (${a.candidate} unavailable: ${a.reason})`)
      .join('')}`,
  );
  log(`telemetry statistics: ${STATISTICS_BY[statsImplementation()]}`);
  const results: WorkloadResult[] = [];
  for (const workload of WORKLOADS.filter((w) => names.includes(w.name))) {
    results.push(await runWorkload(workload, { steps, windows }));
    if (!json) log(formatRow(results[results.length - 1]));
  }
  let pytorch: Awaited<ReturnType<typeof runPytorchReference>> | undefined;
  if (values.pytorch === true) {
    log('running the PyTorch twin of the workloads (same architectures, same statistics)…');
    try {
      pytorch = await runPytorchReference(
        steps,
        results.map((r) => r.name),
      );
      for (const r of results) {
        const p = pytorch.workloads.find((w) => w.name === r.name);
        if (!p) continue;
        log(
          `${r.name} PyTorch ${pytorch.torch}: ${p.stepsPerSec.toFixed(1)} steps/s, ${p.stepsPerSecTelemetry.toFixed(1)} with the same statistics; ` +
            `Backflow/PyTorch ${(r.stepsPerSec / p.stepsPerSec).toFixed(2)} plain, ${(r.stepsPerSecTelemetry / p.stepsPerSecTelemetry).toFixed(2)} with telemetry`,
        );
      }
    } catch (error) {
      log(`PyTorch comparison skipped: ${(error as Error).message}`);
    }
  }
  if (json)
    io.out(
      `${JSON.stringify({ backend: backend.variant, workloads: results, ...(pytorch ? { pytorch } : {}) })}\n`,
    );
  return EXIT.ok;
}

const STATISTICS_BY = {
  'wasm-simd': "one SIMD WebAssembly pass per tensor, on the WASM backend's own memory",
  loops: "one JavaScript pass per tensor, on the backend's own memory",
  ops: 'tfjs ops on the backend, grouped by shape',
} as const;

function formatRow(r: WorkloadResult): string {
  return (
    `${r.name} ${r.description}: ${r.stepsPerSec.toFixed(1)} steps/s, ${r.stepsPerSecTelemetry.toFixed(1)} with telemetry ` +
    `(overhead ${(r.telemetryOverhead * 100).toFixed(1)} %), tensors ${r.numTensorsStart} → ${r.numTensorsEnd}`
  );
}
