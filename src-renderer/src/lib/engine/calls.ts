/**
 * Request/reply on top of the EngineClient's one-way messages: an export,
 * import or preview request goes out with a fresh `requestId`, and the promise resolves
 * with the `*.onResult` that carries the same id. It also resolves (with an
 * error, never a rejection) when the engine goes away first, since its answer
 * will then never come.
 */
import type {
  EngineError,
  EngineRequest,
  EngineResult,
  ExportedModel,
  EngineExportFormat,
  FilePayload,
  ImportedDesign,
  InitPreview,
} from '../../../../src-shared/protocol';
import type { EngineClient, EngineClientEvent } from './client';

/** What File → Export asks for: the weights a run of the design starts from, or a run's. */
export type ExportSource =
  | { from: 'initial'; designText: string; initialWeights?: Uint8Array; dataFile?: FilePayload }
  | { from: 'run'; runId: number };

export class EngineCalls {
  readonly #client: EngineClient;
  // Ids only need to be unique among this page's pending requests.
  #nextId = 1;

  constructor(client: EngineClient) {
    this.#client = client;
  }

  exportModel(source: ExportSource, format: EngineExportFormat): Promise<EngineResult<ExportedModel>> {
    const requestId = this.#nextId++;
    const request: EngineRequest =
      source.from === 'run'
        ? { type: 'export.run', requestId, runId: source.runId, format }
        : {
            type: 'export.initial',
            requestId,
            designText: source.designText,
            format,
            ...(source.initialWeights ? { initialWeights: source.initialWeights } : {}),
            // A CSV's classes set the output layer's width: the engine needs the file the user picked.
            ...(source.dataFile ? { dataFile: source.dataFile } : {}),
          };
    return this.#call(request, (e) =>
      e.type === 'export.onResult' && e.requestId === requestId ? e.result : null,
    );
  }

  /** The gradient at initialisation of `designText` (step 0 of a run of it, without the run). */
  previewInit(designText: string, dataFile?: FilePayload): Promise<EngineResult<InitPreview>> {
    const requestId = this.#nextId++;
    const request: EngineRequest = {
      type: 'preview.init',
      requestId,
      designText,
      ...(dataFile ? { dataFile } : {}),
    };
    return this.#call(request, (e) =>
      e.type === 'preview.onResult' && e.requestId === requestId ? e.result : null,
    );
  }

  importModel(files: FilePayload[]): Promise<EngineResult<ImportedDesign>> {
    const requestId = this.#nextId++;
    return this.#call({ type: 'import.model', requestId, files }, (e) =>
      e.type === 'import.onResult' && e.requestId === requestId ? e.result : null,
    );
  }

  #call<T>(
    request: EngineRequest,
    answer: (event: EngineClientEvent) => EngineResult<T> | null,
  ): Promise<EngineResult<T>> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: EngineResult<T>) => {
        if (done) return;
        done = true;
        queueMicrotask(() => off());
        resolve(result);
      };
      const lost = (message: string): EngineResult<T> => ({
        ok: false,
        error: { type: 'internal', message } satisfies EngineError,
      });
      const off = this.#client.listen((event) => {
        const result = answer(event);
        if (result) return finish(result);
        if (event.type === 'engine.onExit') finish(lost(event.message));
        if (event.type === 'engine.onConnection' && event.state === 'closed')
          finish(lost(event.message ?? 'not connected to the engine'));
      });
      if (!done) this.#client.send(request);
    });
  }
}
