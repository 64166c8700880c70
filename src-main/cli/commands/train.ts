/**
 * `backflow train <design> …`: headless training with progress (on stderr),
 * telemetry and the trained model; the outcome on stdout, as words or (`--json`) one object.
 */
import { resolve } from 'node:path';
import { unpackStep, type LayerInfo } from '../../../src-shared/telemetry';
import { initBackendForRun } from '../../engine/auto-trial';
import { saveLayersModel } from '../../engine/export/save-tfjs';
import { toLayersModel } from '../../engine/export/layers-model';
import { checkRunMemory, prepareRunFromFile } from '../../engine/prepare-run';
import { createTrainer } from '../../engine/train/trainer';
import { readWeightsAhead } from '../../engine/model/network';
import { backendFailure } from '../../engine/worker/backend-failure';
import { printJson, reportFailure, reportRunError } from '../diagnostics';
import { EXIT, UsageError, type CliIO } from '../io';
import { backendOption, intOption } from '../options';
import { createProgress } from '../progress';
import { describePretrained, pretrainedWeightsFor } from '../pretrained';
import { describeFsError, prepareOutputFolder, removeCreated, type OutputFolder } from '../output-folder';
import { openTelemetryFile, telemetrySizeWarning, type TelemetryFile } from '../telemetry-file';

export async function trainCommand(
  path: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  const steps = intOption(values, 'steps', 1, 10_000_000);
  const epochs = intOption(values, 'epochs', 1, 100_000);
  if (steps !== undefined && epochs !== undefined) throw new UsageError('give --steps or --epochs, not both');
  const seed = intOption(values, 'seed', 0, 2 ** 32 - 1);
  const every = intOption(values, 'every', 1, 1_000_000) ?? 1;
  const backendPreference = backendOption(values);

  const json = values.json === true;
  const prepared = await prepareRunFromFile(path, { seed });
  if (!prepared.ok) return reportRunError(io, json, path, prepared.error);
  const { design, data, analysis } = prepared.value;
  let backend;
  try {
    backend = await initBackendForRun(backendPreference, prepared.value);
  } catch (error) {
    return reportFailure(io, json, [{ message: `backflow train: ${(error as Error).message}` }]);
  }
  // The backend is chosen once per process: an earlier `auto` choice's failed attempts are not this run's news.
  const asked = (candidate: string) =>
    backendPreference === 'auto' || candidate.startsWith(backendPreference);
  for (const attempt of backend.attempts.filter((a) => !a.ok && asked(a.candidate)))
    io.err(`note: ${attempt.candidate} unavailable: ${attempt.reason}\n`);
  // Only when a GPU was timed against the CPU: what auto measured for this design.
  if (backend.why && backend.attempts.some((a) => a.candidate === 'webgpu' && a.ok))
    io.err(`note: auto chose ${backend.variant}: ${backend.why}\n`);
  else if (backend.why && backend.threads !== undefined)
    io.err(`note: ${backend.variant} on ${backend.why.split('; ').at(-1)}\n`);
  const tooLarge = checkRunMemory(prepared.value, backend.name);
  if (tooLarge) return reportRunError(io, json, path, tooLarge);
  const pretrained = await pretrainedWeightsFor(path, design, analysis);
  if (!pretrained.ok) return reportFailure(io, json, [{ message: pretrained.message }]);
  if (pretrained.value) io.err(describePretrained(pretrained.value));
  // Where the results go is checked before the run, not after it.
  let out: Extract<OutputFolder, { ok: true }> | undefined;
  if (typeof values.out === 'string') {
    const folder = await prepareOutputFolder(resolve(io.cwd, values.out), '--out');
    if (!folder.ok) {
      if (folder.usage) throw new UsageError(folder.message);
      return reportFailure(io, json, [{ message: `backflow train: ${folder.message}` }]);
    }
    out = folder;
  }
  let telemetry: TelemetryFile | undefined;
  const telemetryPath = typeof values.telemetry === 'string' ? resolve(io.cwd, values.telemetry) : undefined;
  if (telemetryPath) {
    try {
      telemetry = await openTelemetryFile(telemetryPath);
    } catch (error) {
      await removeCreated(out?.created ?? []);
      return reportFailure(io, json, [{ message: `backflow train: ${(error as Error).message}` }]);
    }
  }
  const progress = createProgress(io);
  const runSeed = seed ?? design.training.seed;
  let layers: LayerInfo[] = [];
  let totalSteps = 0;
  let stepsDone = 0;
  let outcome: { state: string; message?: string } = { state: 'finished' };
  let last: { loss: number; accuracy: number | null } | undefined;
  let lastEpoch: { validationLoss: number | null; validationAccuracy: number | null } | undefined;
  // The run's outcome as `--json` prints it: the last step's figures, the last epoch's validation.
  const result = (state: string, more: Record<string, unknown> = {}) => ({
    ok: state === 'finished',
    file: path,
    design: design.name,
    backend: backend.variant,
    seed: runSeed,
    state,
    steps: stepsDone,
    totalSteps,
    seconds: elapsed(started),
    loss: last?.loss ?? null,
    accuracy: last?.accuracy ?? null,
    validationLoss: lastEpoch?.validationLoss ?? null,
    validationAccuracy: lastEpoch?.validationAccuracy ?? null,
    telemetry: telemetryPath ?? null,
    model: null as string | null,
    ...more,
  });
  const started = performance.now();
  const trainer = createTrainer({
    design,
    data,
    analysis,
    seed: runSeed,
    telemetryEvery: telemetry ? every : 0,
    epochs: steps !== undefined ? Number.MAX_SAFE_INTEGER : epochs,
    maxSteps: steps,
    initialWeights: pretrained.value?.weights,
    onEvent: (event) => {
      switch (event.type) {
        case 'train.onStarted':
          layers = event.layers;
          totalSteps = event.totalSteps;
          io.err(`training "${design.name}" on ${backend.variant}: ${totalSteps} steps, seed ${runSeed}\n`);
          telemetry?.write({
            type: 'run',
            design: design.name,
            backend: backend.variant,
            seed: runSeed,
            totalSteps,
            stepsPerEpoch: event.stepsPerEpoch,
            every,
            layers,
          });
          break;
        case 'train.onStep':
          stepsDone = event.step + 1;
          last = { loss: event.loss, accuracy: event.accuracy };
          if (event.stats) telemetry?.write(unpackStep({ ...event, stats: event.stats }, layers));
          progress.update({
            step: event.step + 1,
            totalSteps,
            epoch: event.epoch,
            loss: event.loss,
            accuracy: event.accuracy,
          });
          break;
        case 'train.onEpoch': {
          // Telemetry lines keep the file format's record types ("epoch", "diverged"), not the engine's event names.
          telemetry?.write({ ...event, type: 'epoch' });
          lastEpoch = event;
          const val =
            event.validationLoss === null ? '' : `, validation loss ${event.validationLoss.toFixed(4)}`;
          const valAcc =
            event.validationAccuracy === null ? '' : ` acc ${event.validationAccuracy.toFixed(3)}`;
          const acc = event.accuracy === null ? '' : ` acc ${event.accuracy.toFixed(3)}`;
          progress.line(`epoch ${event.epoch + 1}: loss ${event.loss.toFixed(4)}${acc}${val}${valAcc}`);
          break;
        }
        case 'train.onDiverged':
          telemetry?.write({ ...event, type: 'diverged' });
          outcome = { state: 'diverged', message: event.message };
          break;
        case 'train.onState':
          break;
      }
    },
  });
  if (telemetryPath) {
    const warning = telemetrySizeWarning(telemetryPath, trainer.layers.length, trainer.totalSteps, every);
    if (warning) io.err(`${warning}\n`);
  }
  // Ctrl-C or a kill: stop after the step in progress and close the files properly; a second
  // signal ends the process at once (Node's default, these handlers being gone).
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    signal ??= received;
    trainer.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let backendBroke = false;
  let saved = false;
  try {
    try {
      await trainer.start();
    } catch (error) {
      const reason = backendFailure(error);
      if (!reason) throw error;
      backendBroke = true;
      progress.done();
      const message = `the compute backend failed at step ${stepsDone + 1} (${reason}): the run needed more memory than ${backend.variant} holds — lower the batch size or the layer sizes`;
      telemetry?.write({
        type: 'end',
        state: 'failed',
        message,
        steps: stepsDone,
        seconds: elapsed(started),
      });
      io.err(`backflow train: ${message}\n`);
      if (json) printJson(io, result('failed', { message }));
      return EXIT.failed;
    }
    progress.done();
    const seconds = elapsed(started);
    if (signal) {
      telemetry?.write({ type: 'end', state: 'interrupted', signal, steps: stepsDone, seconds });
      io.err(
        `interrupted by ${signal} after ${stepsDone} steps; the telemetry so far is kept, no model saved\n`,
      );
      if (json) printJson(io, result('interrupted', { signal }));
      return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
    }
    telemetry?.write({ type: 'end', state: outcome.state, steps: stepsDone, seconds });
    if (outcome.state === 'diverged') io.err(`${outcome.message}\n`);
    else if (!json)
      io.out(
        `done in ${seconds.toFixed(1)}s: ${stepsDone} steps${last ? `, loss ${last.loss.toFixed(4)}` : ''}\n`,
      );
    if (out) {
      try {
        await readWeightsAhead(trainer.network);
        await saveLayersModel(toLayersModel(trainer.network, safeName(design.name)), out.dir, {
          backflow: { design: design.name, seed: runSeed, trained: true },
        });
      } catch (error) {
        const message = `backflow train: cannot save the trained model to ${out.dir}: ${describeFsError(error)}`;
        return reportFailure(io, json, [{ message }]);
      }
      saved = true;
      if (!json) io.out(`saved the trained model to ${out.dir}\n`);
    }
    if (json)
      printJson(
        io,
        result(outcome.state, {
          model: saved ? out!.dir : null,
          ...(outcome.message ? { message: outcome.message } : {}),
        }),
      );
    return outcome.state === 'diverged' ? EXIT.diverged : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // A broken backend cannot free what it holds; the process ends anyway.
    if (!backendBroke) trainer.dispose();
    if (!saved) await removeCreated(out?.created ?? []);
    await telemetry?.close();
  }
}

const elapsed = (started: number) => (performance.now() - started) / 1000;

/** Keras model names allow letters, digits, underscores, dots and dashes. */
export function safeName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'backflow'
  );
}
