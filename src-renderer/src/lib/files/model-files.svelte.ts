/**
 * File → Export… and File → Import…: models in other formats. Export asks
 * the engine for the files (the design with its initial weights, or the
 * current run's trained ones) and hands them to the FileHost (a .zip
 * download, or a folder in Electron). Import sends the chosen model files to
 * the engine and opens what comes back as a new, unsaved design whose
 * pretrained weights stay with the document (see FileSession.pretrained).
 */
import { parseDesign, serializeDesign } from '../../../../src-shared/design/index';
import { suggestedFileName } from '../../../../src-shared/files-protocol';
import type { EngineResult, ExportedModel, ExportFormat } from '../../../../src-shared/protocol';
import type { EngineCalls } from '../engine/calls';
import type { EditorState } from '../state/editor.svelte';
import type { FileSession, ImportedDocument } from './session.svelte';

/** How each format is named in the dialog and in messages. */
export const FORMAT_LABELS: Record<ExportFormat, string> = {
  tfjs: 'TensorFlow.js',
  keras: 'Keras 3',
  pytorch: 'PyTorch',
  onnx: 'ONNX',
};

/**
 * The run whose trained weights Export offers: the open design's current run
 * (the engine holds its weights), or a run chosen in the Runs list, whose
 * weights were kept when it ended and are exported with the design it trained.
 */
export interface TrainedRun {
  /** The engine's run id while the engine holds its weights; null for a kept run. */
  runId: number | null;
  /** Steps trained. */
  steps: number;
  /** The run's name in the Runs list, when it has one: the files are named after it. */
  name: string | null;
  /** A kept run's design (file text) and trained weights (safetensors keyed nodeId/role). */
  kept?: { designText: string; weights: Uint8Array };
}

export type ExportWeights = 'initial' | 'trained';

export class ModelFiles {
  /** The Export dialog is showing. */
  exportOpen = $state(false);
  /** What is on its way to or from the engine, for the buttons. */
  busy = $state<'export' | 'import' | null>(null);

  readonly #files: FileSession;
  readonly #editor: EditorState;
  readonly #calls: EngineCalls;
  /** A run chosen in the Runs list for this export (its id there); null: the current run. */
  chosenRun = $state<string | null>(null);

  readonly #trainedRun: (chosen: string | null) => TrainedRun | null;

  constructor(
    files: FileSession,
    editor: EditorState,
    calls: EngineCalls,
    trainedRun: (chosen: string | null) => TrainedRun | null,
  ) {
    this.#files = files;
    this.#editor = editor;
    this.#calls = calls;
    this.#trainedRun = trainedRun;
    files.extraCommands.export = () => this.openExport();
    files.extraCommands.import = () => void this.import();
  }

  /** The run "trained weights" would export, or null when there is none. */
  get trainedRun(): TrainedRun | null {
    return this.#trainedRun(this.chosenRun);
  }

  /** Opens the dialog; `chosenRun`: a run of the Runs list whose trained weights to offer. */
  openExport(chosenRun: string | null = null): void {
    if (this.#editor.screen !== 'editor') return this.#files.notify('Open or build a design to export it');
    this.chosenRun = chosenRun;
    this.exportOpen = true;
  }

  /** Exports the open design in `format`; true once the files were handed over. */
  async export(format: ExportFormat, weights: ExportWeights): Promise<boolean> {
    if (this.busy) return false;
    const run = weights === 'trained' ? this.trainedRun : null;
    if (weights === 'trained' && !run) {
      this.#files.notify('There is no run to export: train first, or export the initial weights');
      return false;
    }
    this.busy = 'export';
    try {
      const design = this.#editor.design;
      const result: EngineResult<ExportedModel> = run?.kept
        ? await this.#calls.exportModel(
            { from: 'initial', designText: run.kept.designText, initialWeights: run.kept.weights },
            format,
          )
        : run?.runId != null
          ? await this.#calls.exportModel({ from: 'run', runId: run.runId }, format)
          : await this.#calls.exportModel(
              {
                from: 'initial',
                designText: serializeDesign(design),
                initialWeights: this.#files.pretrained?.bytes,
                dataFile: this.#editor.csv.payload(design.data),
              },
              format,
            );
      if (!result.ok) {
        this.#files.notify(`Export failed: ${result.error.message}`);
        return false;
      }
      // Named by the chosen run, else by the document as it is called now (not as when the run started).
      const base = suggestedFileName(run?.kept && run.name ? run.name : design.name).replace(
        /\.backflow\.json$/,
        '',
      );
      const saved = await this.#files.host.saveExport(result.value, `${base}-${format}`);
      if (!saved.ok) {
        if (saved.error.type !== 'canceled') this.#files.notify(`Export failed: ${saved.error.message}`);
        return false;
      }
      const what = run
        ? `trained weights${run.name ? ` of “${run.name}”` : ''}`
        : `${this.#files.pretrained ? 'pretrained' : 'initial'} weights`;
      const names = result.value.files.map((f) => f.name).join(', ');
      const where = saved.value.path || saved.value.fileName;
      this.#files.notify(`Exported ${FORMAT_LABELS[format]} with the ${what}: ${where} (${names})`, 'info');
      return true;
    } finally {
      this.busy = null;
    }
  }

  /** Asks for a model's files and opens the model as a new design with its weights. */
  import(): Promise<void> {
    return this.#files.openImport(() => this.#readImport());
  }

  async #readImport(): Promise<ImportedDocument | null> {
    const chosen = await this.#files.host.chooseModelFiles();
    if (!chosen.ok) {
      if (chosen.error.type !== 'canceled') this.#files.notify(`Import failed: ${chosen.error.message}`);
      return null;
    }
    this.busy = 'import';
    try {
      const result = await this.#calls.importModel(chosen.value);
      if (!result.ok) {
        this.#files.notify(`Import failed: ${result.error.message}`);
        return null;
      }
      const { designText, weights, tensorCount, modelFile, warnings } = result.value;
      const parsed = parseDesign(designText);
      if (!parsed.ok) {
        this.#files.notify(`Import failed: ${parsed.error.message}`);
        return null;
      }
      const pretrained = weights ? { bytes: weights, source: modelFile, tensorCount } : null;
      return { design: parsed.design, pretrained, warnings };
    } finally {
      this.busy = null;
    }
  }
}
