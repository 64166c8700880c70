/**
 * What the user chose to look at: the heatmap quantity, the zoom window, the
 * colour scale mode and the selected layer. Separate from the session, which
 * holds what the engine sent.
 */
import { unionScale, type ColourScale } from './colour-scale';
import type { NodeTint } from './context';
import { cssColour, formatValue } from './colour-scale';
import type { HeatmapField, RunTelemetry } from './run-telemetry';
import type { TrainingSession } from './session.svelte';

export interface StepWindow {
  /** Record indices [from, to). */
  from: number;
  to: number;
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
    if (this.scaleMode === 'window' && this.#windowScale) return this.#windowScale;
    const own = this.session.run?.scales[this.field];
    const pinned = this.session.pinned?.run.scales[this.field];
    if (own && pinned) return unionScale(own, pinned);
    return own ?? pinned ?? null;
  }

  /** Node tint over the current run's latest record. */
  readonly tint: NodeTint = {
    colour: (id) => {
      const found = this.#latest(id);
      return found ? cssColour(found.scale, found.value) : undefined;
    },
    describe: (id) => {
      const found = this.#latest(id);
      return found ? `${this.field} ${formatValue(found.value)} at step ${found.step}` : undefined;
    },
  };

  #latest(id: string): { value: number; scale: ColourScale; step: number } | undefined {
    void this.session.version;
    const run: RunTelemetry | null = this.session.run;
    const scale = this.scale();
    if (!run || !scale || run.count === 0) return undefined;
    const layer = run.layerIndex(id);
    if (layer < 0) return undefined;
    const record = run.count - 1;
    const value = run.value(this.field, record, layer);
    return Number.isNaN(value) ? undefined : { value, scale, step: run.recordSteps[record] };
  }
}
