/**
 * The gradient at initialisation, live while the design is edited: after each
 * edit that changes what a run would compute (not a node's position), and once
 * the design is trainable, the engine is asked for step 0 of a run (debounced,
 * so typing a width asks once); an answer to an older request is dropped. The
 * answer is kept with the diagnosis of that one record and its per-layer decay.
 * A remedy's preview is asked for on demand (hovering or focusing its button)
 * and shown beside the current one.
 */
import { serializeDesign } from '../../../../src-shared/design/serialize';
import type { Design } from '../../../../src-shared/design/types';
import { describeInitFlow, type InitFlow } from '../../../../src-shared/diagnosis/decay';
import { diagnose } from '../../../../src-shared/diagnosis';
import type { Finding, Remedy } from '../../../../src-shared/diagnosis/types';
import type { GraphAnalysis } from '../../../../src-shared/graph';
import type { ShapeContext } from '../../../../src-shared/layers/types';
import { analyzeGraph } from '../../../../src-shared/graph';
import type { EngineResult, FilePayload, InitPreview } from '../../../../src-shared/protocol';
import { stepRecord, type StepRecord } from '../../../../src-shared/telemetry';
import { cssColour, formatValue, unionScale, type ColourScale } from './colour-scale';
import type { NodeTint } from './context';
import { sharedScale } from './heatmap-scale';
import { rowFields } from './heatmap-rows';
import { pathShares, RunTelemetry, type HeatmapField } from './run-telemetry';

/** Quiet time after the last edit before the engine is asked. */
export const PREVIEW_DEBOUNCE_MS = 150;

/** Asks the engine for the preview of a design (EngineCalls.previewInit). */
export type PreviewRequest = (
  designText: string,
  dataFile?: FilePayload,
) => Promise<EngineResult<InitPreview>>;

/** One preview, read: the record, a one-record run for the heatmap code, and what it says. */
export interface ReadPreview {
  /** The design it describes. */
  design: Design;
  record: StepRecord;
  /** The record as a run of one step, so the heatmap's scales, rows and colours apply as they are. */
  run: RunTelemetry;
  flow: InitFlow | undefined;
  findings: Finding[];
}

/** A remedy's preview: asked for, then answered (or refused). */
export interface RemedyPreview {
  remedy: Remedy;
  preview: ReadPreview | null;
  error: string | null;
}

/** What decides the preview: everything a run computes from, without positions and names. */
function previewKey(design: Design): string {
  const nodes = design.graph.nodes.map((n) => ({ ...n, position: undefined }));
  return JSON.stringify([nodes, design.graph.edges, design.data, design.training]);
}

/** Reads an answer: the record, the diagnosis of that one step and the per-layer decay. */
export function readPreview(design: Design, analysis: GraphAnalysis, preview: InitPreview): ReadPreview {
  const record = stepRecord(preview, preview.layers)!;
  const run = new RunTelemetry(-1, preview.layers, 1, 1, null, 1);
  run.pushStep(preview);
  let findings: Finding[] = [];
  let flow: InitFlow | undefined;
  try {
    findings = diagnose([record], { design });
    flow = describeInitFlow(record, design, analysis);
  } catch (error) {
    // A rule that throws must not take the preview down with it (as RunDiagnosis does).
    console.warn('preview diagnosis failed', error);
  }
  return { design, record, run, flow, findings };
}

export class InitPreviewState {
  /** The latest preview of the design being edited; kept while a newer one is computed. */
  current = $state.raw<ReadPreview | null>(null);
  /** True from an edit until its answer arrives. */
  pending = $state(false);
  /** Why the latest design has no preview (the engine refused it); null when it has one. */
  error = $state<string | null>(null);
  /** The remedy being looked at, with its preview once it arrives. */
  remedy = $state.raw<RemedyPreview | null>(null);

  readonly #request: PreviewRequest;
  readonly #debounceMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #key = '';
  /** Bumped by every edit and document change: an answer for an older one is dropped. */
  #generation = 0;
  #remedyGeneration = 0;
  #context: ShapeContext = {};
  #last: Parameters<InitPreviewState['update']> | undefined;
  #inFlight = false;
  /** The latest edit's request, held while another is in flight. */
  #waiting: (() => Promise<void>) | undefined;
  #dataFile: FilePayload | undefined;

  constructor(request: PreviewRequest, debounceMs = PREVIEW_DEBOUNCE_MS) {
    this.#request = request;
    this.#debounceMs = debounceMs;
  }

  /**
   * The editor's design after an edit, with its analysis and the data's shape
   * facts it was made with (EditorState.context). An untrainable design clears the
   * preview (there is nothing a run could compute); a design that differs only
   * in positions or its name asks nothing.
   */
  update(design: Design, analysis: GraphAnalysis, context: ShapeContext, dataFile?: FilePayload): void {
    const key = analysis.trainable ? previewKey(design) + (dataFile ? `|${dataFile.name}` : '') : '';
    this.#context = context;
    this.#last = [design, analysis, context, dataFile];
    this.#dataFile = dataFile;
    if (key === this.#key) {
      // Same computation: a newer design object (moved nodes) still describes the current preview.
      if (this.current && key) this.current = { ...this.current, design };
      return;
    }
    this.#key = key;
    const generation = ++this.#generation;
    clearTimeout(this.#timer);
    this.#clearRemedy();
    if (!key) {
      this.current = null;
      this.pending = false;
      this.error = null;
      return;
    }
    this.pending = true;
    this.#timer = setTimeout(() => void this.#ask(design, analysis, dataFile, generation), this.#debounceMs);
  }

  /** Asks again when the last answer was a refusal (the engine was lost and is back). */
  retry(): void {
    if (!this.error || !this.#last) return;
    this.#key = '';
    this.update(...this.#last);
  }

  /** Another document opened: nothing of the last one's preview applies. */
  reset(): void {
    clearTimeout(this.#timer);
    this.#generation++;
    this.#key = '';
    this.#clearRemedy();
    this.current = null;
    this.pending = false;
    this.error = null;
  }

  /** Shows `remedy`'s preview beside the current one (null: stop showing it). */
  previewRemedy(remedy: Remedy | null): void {
    if (remedy?.id === this.remedy?.remedy.id && remedy) return;
    const generation = ++this.#remedyGeneration;
    const current = this.current;
    if (!remedy || !current) return void (this.remedy = null);
    this.remedy = { remedy, preview: null, error: null };
    let design: Design;
    try {
      design = remedy.apply(current.design);
    } catch (error) {
      this.remedy = { remedy, preview: null, error: (error as Error).message };
      return;
    }
    // A remedy edits the graph, never the data: the data's shape facts still hold.
    const analysis = analyzeGraph(design.graph, this.#context);
    void this.#request(serializeDesign(design), this.#dataFile).then((result) => {
      if (generation !== this.#remedyGeneration) return;
      this.remedy = result.ok
        ? { remedy, preview: readPreview(design, analysis, result.value), error: null }
        : { remedy, preview: null, error: result.error.message };
    });
  }

  #clearRemedy(): void {
    this.#remedyGeneration++;
    this.remedy = null;
  }

  /**
   * One request in flight at a time: the engine computes every request it gets, so edits
   * faster than a large network's preview would pile up work (and delay a Train behind it).
   * An edit made meanwhile waits, and only the latest one is asked about.
   */
  async #ask(design: Design, analysis: GraphAnalysis, dataFile: FilePayload | undefined, generation: number) {
    if (this.#inFlight) return void (this.#waiting = () => this.#ask(design, analysis, dataFile, generation));
    this.#inFlight = true;
    let result: EngineResult<InitPreview>;
    try {
      result = await this.#request(serializeDesign(design), dataFile);
    } finally {
      this.#inFlight = false;
      const next = this.#waiting;
      this.#waiting = undefined;
      void next?.();
    }
    if (generation !== this.#generation) return; // an edit came after: its own answer follows
    this.pending = false;
    if (result.ok) {
      this.current = readPreview(design, analysis, result.value);
      this.error = null;
    } else {
      this.current = null;
      this.error = result.error.message;
    }
  }

  /** The at-init colours of the current preview on the canvas: for views to use while no run has telemetry. */
  readonly tint: NodeTint = {
    colour: (id) => this.#tintOf(id)?.colour,
    describe: (id) => {
      const found = this.#tintOf(id);
      return found ? `${found.field} ${formatValue(found.value)} at initialisation` : undefined;
    },
    skipShare: (id) => {
      const run = this.current?.run;
      const found = run && pathShares(run, 0, run.layerIndex(id));
      return found && { share: found.shares[found.skip], identity: found.identity };
    },
  };

  /**
   * The scale of the at-init columns and tints: fixed at the preview's one
   * step (the heatmap's "fixed at step 0"), over `field` or both gradients,
   * widened to hold `also` (a remedy's preview shown beside it).
   */
  scale(field: HeatmapField | 'both', also?: ReadPreview | null): ColourScale | null {
    const fields: HeatmapField[] = field === 'both' ? ['gradNorm', 'outGradNorm'] : [field];
    const runs = [this.current?.run, also?.run];
    return fields.reduce<ColourScale | null>((union, f) => {
      const scale = sharedScale(runs, f, 'first', null);
      return union && scale ? unionScale(union, scale) : (union ?? scale);
    }, null);
  }

  #tints = $derived.by(() => {
    const current = this.current;
    const scale = this.scale('gradNorm');
    if (!current || !scale) return null;
    const fields = rowFields(current.run, 'gradNorm');
    // Worked out once per preview for every node (in the run's layer order), read by index.
    return current.run.layers.map((_, l) => {
      const value = current.run.value(fields[l], 0, l);
      return { colour: cssColour(scale, value), field: fields[l], value };
    });
  });

  #tintOf(id: string) {
    const run = this.current?.run;
    const found = run ? this.#tints?.[run.layerIndex(id)] : undefined;
    return found?.colour ? found : undefined;
  }
}
