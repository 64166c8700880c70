/**
 * What the user chose to look at: the heatmap quantity, the zoom window, the
 * colour scale mode and the selected layer. Separate from the session, which
 * holds what the engine sent.
 */
import { cssColour, formatValue, unionScale, type ColourScale } from './colour-scale';
import type { NodeTint } from './context';
import type { HeatmapField, RunTelemetry } from './run-telemetry';
import type { TrainingSession } from './session.svelte';

export interface StepWindow {
  /** Record indices [from, to). */
  from: number;
  to: number;
}

/** A layer's colour at the latest record, and what it shows. */
interface LayerTint {
  colour: string;
  value: number;
  step: number;
}

export class TrainingView {
  field = $state<HeatmapField>('gradNorm');
  /** Zoomed records; null shows the whole run. */
  window = $state.raw<StepWindow | null>(null);
  /** 'run': the scale fixed at the run's first step; 'window': fixed when the zoom window was chosen. */
  scaleMode = $state<'run' | 'window'>('run');
  selectedLayer = $state<string | null>(null);
  /** The dock starts closed (the editor keeps its full height) and opens when a run starts. */
  open = $state(false);
  /** The last remedy applied, naming run B in an A/B comparison. */
  change = $state<string | null>(null);
  #windowScale = $state.raw<ColourScale | null>(null);

  constructor(readonly session: TrainingSession) {}

  /** Zooms to records [from, to) and, in window mode, fixes the scale to what they hold. */
  zoom(from: number, to: number): void {
    const run = this.session.run;
    if (!run || to - from < 2) return;
    this.window = { from: Math.max(0, from), to: Math.min(to, run.count) };
    this.#windowScale = run.windowScale(this.field, this.window.from, this.window.to);
  }

  /** Another document opened: nothing chosen about the last one's runs applies to it. */
  reset(): void {
    this.resetZoom();
    this.change = null;
    this.selectedLayer = null;
  }

  resetZoom(): void {
    this.window = null;
    this.#windowScale = null;
  }

  setField(field: HeatmapField): void {
    this.field = field;
    const run = this.session.run;
    if (run && this.window) this.#windowScale = run.windowScale(field, this.window.from, this.window.to);
  }

  /** The one scale both A/B heatmaps, the legend and the node tint use. */
  scale(): ColourScale | null {
    void this.session.version; // a run's scale is fixed at its first record, which a flush announces
    return this.#currentScale();
  }

  /** scale() without the flush dependency, for views that choose their own pace. */
  #currentScale(): ColourScale | null {
    if (this.scaleMode === 'window' && this.#windowScale) return this.#windowScale;
    const own = this.session.run?.scales[this.field];
    const pinned = this.session.pinned?.run.scales[this.field];
    if (own && pinned) return unionScale(own, pinned);
    return own ?? pinned ?? null;
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
    const values = run.column(this.field, record);
    const step = run.recordSteps[record];
    const tints = Array.from(values, (value) => {
      const colour = cssColour(scale, value);
      return colour ? { colour, value, step } : null;
    });
    return { run, tints };
  });

  #tintOf(id: string): LayerTint | null {
    const latest = this.#latestTints;
    return latest?.tints[latest.run.layerIndex(id)] ?? null;
  }

  /** Node tint over the current run's latest record. */
  readonly tint: NodeTint = {
    colour: (id) => this.#tintOf(id)?.colour,
    describe: (id) => {
      const found = this.#tintOf(id);
      return found ? `${this.field} ${formatValue(found.value)} at step ${found.step}` : undefined;
    },
  };
}
