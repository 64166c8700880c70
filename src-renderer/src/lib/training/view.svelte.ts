/**
 * What the user chose to look at: the heatmap quantity, the zoom window, the
 * colour scale mode and the selected layer. Separate from the session, which
 * holds what the engine sent.
 */
import { cssColour, formatValue, type ColourScale } from './colour-scale';
import type { NodeTint } from './context';
import { rowFields } from './heatmap-rows';
import { DEFAULT_SCALE_MODE, sharedScale, type ScaleMode } from './heatmap-scale';
import { pathShares, type HeatmapField, type RunTelemetry } from './run-telemetry';
import type { TrainingSession } from './session.svelte';

export interface StepWindow {
  /** Record indices [from, to). */
  from: number;
  to: number;
}

/** A layer's colour at the latest record, and what it shows. */
interface LayerTint {
  colour: string;
  /** What the colour shows: a weightless layer's ∂L/∂output on the weight-gradient map. */
  field: HeatmapField;
  value: number;
  step: number;
}

export class TrainingView {
  field = $state<HeatmapField>('gradNorm');
  /** Zoomed records; null shows the whole run. */
  window = $state.raw<StepWindow | null>(null);
  /** Fixed at step 0, fixed at step K (the default: an extreme first step stays readable), or fitted to the view. */
  scaleMode = $state<ScaleMode>(DEFAULT_SCALE_MODE);
  selectedLayer = $state<string | null>(null);
  /** The dock starts closed (the editor keeps its full height) and opens when a run starts. */
  open = $state(false);
  /** What the open dock shows: the run being trained, or the Runs list and its comparison. */
  tab = $state<'live' | 'runs'>('live');
  /** The last remedy applied, naming run B in an A/B comparison. */
  change = $state<string | null>(null);

  constructor(readonly session: TrainingSession) {}

  /** Zooms to records [from, to); the "this window" scale then fits what they hold. */
  zoom(from: number, to: number): void {
    const run = this.session.run;
    if (!run || to - from < 2) return;
    this.window = { from: Math.max(0, from), to: Math.min(to, run.count) };
  }

  /** Another document opened: nothing chosen about the last one's runs applies to it. */
  reset(): void {
    this.resetZoom();
    this.change = null;
    this.selectedLayer = null;
  }

  resetZoom(): void {
    this.window = null;
  }

  setField(field: HeatmapField): void {
    this.field = field;
  }

  /** The one scale both A/B heatmaps, the legend and the node tint use. */
  scale(): ColourScale | null {
    void this.session.version; // a run's scale is fixed at its first record, which a flush announces
    return this.#currentScale();
  }

  /** scale() without the flush dependency, for views that choose their own pace. */
  #currentScale(): ColourScale | null {
    const runs = [this.session.run, this.session.pinned?.run];
    return sharedScale(runs, this.field, this.scaleMode, this.window);
  }

  /**
   * Every layer's colour at the run's latest record (in the run's layer
   * order), worked out once for all nodes, and only as often as the
   * session's `slowVersion` changes: recolouring the nodes repaints them all.
   */
  #latestTints = $derived.by((): { run: RunTelemetry; tints: (LayerTint | null)[] } | null => {
    void this.session.slowVersion;
    const run: RunTelemetry | null = this.session.run;
    const scale = this.#currentScale();
    if (!run || !scale || run.count === 0) return null;
    const record = run.count - 1;
    const fields = rowFields(run, this.field);
    const values = fields.map((field, l) => run.value(field, record, l));
    const step = run.recordSteps[record];
    const tints = values.map((value, l) => {
      const colour = cssColour(scale, value);
      return colour ? { colour, field: fields[l], value, step } : null;
    });
    return { run, tints };
  });

  /** Per layer (run order) at the latest record: a merge's inputs' shares of the path norms, and the skip's index. */
  #latestPaths = $derived.by(() => {
    void this.session.slowVersion;
    const run: RunTelemetry | null = this.session.run;
    if (!run || run.count === 0) return null;
    return { run, shares: run.layers.map((_, l) => pathShares(run, run.count - 1, l)) };
  });

  #pathsOf(id: string): ReturnType<typeof pathShares> {
    const latest = this.#latestPaths;
    return latest?.shares[latest.run.layerIndex(id)];
  }

  #tintOf(id: string): LayerTint | null {
    const latest = this.#latestTints;
    return latest?.tints[latest.run.layerIndex(id)] ?? null;
  }

  /** Node tint over the current run's latest record. */
  readonly tint: NodeTint = {
    colour: (id) => this.#tintOf(id)?.colour,
    describe: (id) => {
      const found = this.#tintOf(id);
      if (!found) return undefined;
      const line = `${found.field} ${formatValue(found.value)} at step ${found.step}`;
      const paths = this.#pathsOf(id);
      if (!paths) return line;
      const shares = paths.shares
        .map(
          (s, i) => `in${i}${i === paths.skip && paths.identity ? ' (skip)' : ''} ${Math.round(s * 100)} %`,
        )
        .join(', ');
      return `${line}\ngradient reaching the block input: ${shares}`;
    },
    skipShare: (id) => {
      const paths = this.#pathsOf(id);
      return paths && { share: paths.shares[paths.skip], identity: paths.identity };
    },
  };
}
