/**
 * The editor's state and commands: the design store, the canvas view of it,
 * the live analysis, and every action a user can take (palette, keyboard,
 * toolbar and canvas all call these). Each command goes through
 * {@link EditorState.run}, so a refused edit shows a message and leaves the
 * document as it was.
 */
import type { Design, Position } from '../../../../src-shared/design/types';
import type { GraphAnalysis } from '../../../../src-shared/graph/index';
import type { LayerType } from '../../../../src-shared/layers/types';
import { shapeContext } from '../../../../src-shared/design/datasets';
import { createAnalyzer } from '../model/analysis';
import {
  addAfter,
  addLayer,
  connect,
  FOLLOW_OFFSET,
  moveNodes,
  positionsOf,
  removeElements,
  renameDesign,
  setInput,
  setParam,
  setTrainable,
  type EditResult,
} from '../model/edits';
import { extractFragment, insertFragment, parseFragment, serializeFragment } from '../model/fragment';
import { layoutGraph, type LayoutDirection } from '../model/layout';
import { insertResidualBlock, wrapInResidual } from '../model/residual';
import type { ParamValue } from '../../../../src-shared/layers/types';
import { CsvDataState } from '../data/csv-data.svelte';
import { CanvasModel } from './canvas.svelte';
import { DesignStore, emptyDesign } from './design-store.svelte';
import { FieldProblems } from './field-problems.svelte';
import { Notices } from './notices.svelte';

/** What the canvas lends the editor once Svelte Flow is mounted. */
export interface ViewportBridge {
  fitView(): void;
  /** The flow position at the centre of the visible canvas. */
  center(): Position;
  /** Pans (without zooming) so that a node just placed at `position` is on screen. */
  reveal(position: Position): void;
}

/** The palette's composite items, beside the layer types. */
export type PaletteItemId = LayerType | 'residualBlock';

/** The drag-and-drop type a palette item carries. */
export const PALETTE_MIME = 'application/x-backflow-layer';

const PASTE_OFFSET = 40;

export class EditorState {
  readonly store = new DesignStore();
  readonly canvas = new CanvasModel();
  readonly notices = new Notices();
  /** Fields holding text that is not a valid value yet: Train waits for them. */
  readonly fieldProblems = new FieldProblems();
  readonly #analyze = createAnalyzer();

  /** The user's own CSV file for this design (its columns give the data's shapes). */
  readonly csv = new CsvDataState();
  readonly #csvShapes = $derived(this.csv.reading(this.store.design.data)?.description ?? null);
  readonly analysis: GraphAnalysis = $derived(this.#analyze(this.store.design, this.#csvShapes));
  readonly context = $derived(shapeContext(this.store.design, this.#csvShapes));
  screen = $state<'start' | 'editor'>('start');
  direction = $state<LayoutDirection>('LR');
  helpOpen = $state(false);
  /** Why the connection being dragged would be refused; null when it is fine or none is dragged. */
  connectionHint = $state<string | null>(null);
  viewport: ViewportBridge | undefined;
  /**
   * Which document is open: a new number on every load (New, Open, an
   * example, an import, a recovery). Runs, their telemetry, diagnosis and
   * weights carry the number of the document that made them, so another
   * document never shows them as its own. Edits keep the number.
   */
  documentId = $state(0);
  #pasteCount = 0;

  get design(): Design {
    return this.store.design;
  }

  /** Opens a design; nodes without positions are laid out first. History starts empty. */
  load(design: Design): void {
    let opened = design;
    if (design.graph.nodes.some((n) => !n.position)) {
      const moved = moveNodes(design, layoutGraph(design.graph, this.direction));
      if (moved.ok) opened = moved.design;
    }
    this.store.load(opened);
    this.documentId++;
    this.csv.clear();
    this.canvas.nodes = [];
    this.canvas.edges = [];
    this.#pasteCount = 0;
    this.screen = 'editor';
    this.#sync([]);
    // Open, import, an example, New: whatever came in is shown whole, at every window size.
    this.canvas.requestFit();
  }

  newDesign(): void {
    this.load(emptyDesign());
  }

  /** Runs one edit: on success the document changes and the history records it; on failure a notice says why. */
  run(label: string, edit: (design: Design) => EditResult): boolean {
    const result = this.store.apply(label, edit);
    if (!result.ok) {
      this.notices.show(result.message);
      return false;
    }
    if (result.changed || result.select) this.#sync(result.select);
    const added = result.select?.[result.select.length - 1];
    const position = added && this.store.design.graph.nodes.find((n) => n.id === added)?.position;
    if (position) this.viewport?.reveal(position);
    return true;
  }

  /** Redraws the canvas after a view setting (not the document) changed. */
  refresh(): void {
    this.#sync();
  }

  #sync(select?: readonly string[]): void {
    this.canvas.sync(this.store.design, this.analysis, select);
  }

  get step(): Position {
    return FOLLOW_OFFSET[this.direction];
  }

  /** The one selected node, if exactly one is selected. */
  get anchor(): string | undefined {
    const ids = this.canvas.selectedNodeIds;
    return ids.length === 1 ? ids[0] : undefined;
  }

  /** A palette item dropped on the canvas at a flow position. */
  drop(item: PaletteItemId, position: Position): void {
    if (item === 'residualBlock') this.insertResidualBlock(position, undefined);
    else this.run('add layer', (d) => addLayer(d, item, position));
  }

  /** A palette item double-clicked (or Enter): after the selected node, else at the centre of the view. */
  addFromPalette(item: PaletteItemId): void {
    const anchor = this.anchor;
    if (item === 'residualBlock') {
      const node = anchor ? this.design.graph.nodes.find((n) => n.id === anchor) : undefined;
      const at = node?.position
        ? { x: node.position.x + this.step.x, y: node.position.y + this.step.y }
        : undefined;
      this.insertResidualBlock(at, anchor);
    } else if (anchor) {
      this.run('add layer', (d) => addAfter(d, item, anchor, this.context, this.step));
    } else {
      this.run('add layer', (d) => addLayer(d, item, this.#freeSpot()));
    }
  }

  insertResidualBlock(at: Position | undefined, anchor: string | undefined): void {
    const where = at ?? this.#freeSpot();
    this.run('add residual block', (d) =>
      insertResidualBlock(d, where, this.step, this.context, this.analysis, anchor),
    );
  }

  wrapSelectionInResidual(): void {
    const ids = this.canvas.selectedNodeIds;
    this.run('wrap in residual', (d) => wrapInResidual(d, ids, this.step));
  }

  /** The centre of the view, nudged so repeated additions do not stack exactly. */
  #freeSpot(): Position {
    const c = this.viewport?.center() ?? { x: 0, y: 0 };
    const taken = (p: Position) =>
      this.design.graph.nodes.some(
        (n) => n.position && Math.abs(n.position.x - p.x) < 40 && Math.abs(n.position.y - p.y) < 40,
      );
    let spot = { x: c.x - 90, y: c.y - 36 };
    for (let i = 0; i < 50 && taken(spot); i++) spot = { x: spot.x + 30, y: spot.y + 30 };
    return spot;
  }

  /** Checks a connection being dragged; remembers the reason for the hint. */
  validateConnection(c: { source: string; target: string; targetHandle?: string | null }): boolean {
    const result = connect(this.design, c, this.context, this.analysis);
    this.connectionHint = result.ok ? null : result.message;
    return result.ok;
  }

  connect(c: { source: string; target: string; targetHandle?: string | null }): void {
    this.connectionHint = null;
    this.run('connect', (d) => connect(d, c, this.context, this.analysis));
  }

  /** Wires one input slot from the inspector (keyboard users cannot drag handles). */
  setInput(target: string, handle: string | undefined, source: string | null): void {
    this.run(source ? 'connect' : 'disconnect', (d) => setInput(d, target, handle, source, this.context));
  }

  /** Sets a parameter from the inspector; returns why it was refused (the field shows it), or null. */
  setParam(nodeId: string, key: string, value: ParamValue): string | null {
    const result = this.store.apply('change parameter', (d) => setParam(d, nodeId, key, value));
    if (!result.ok) return result.message;
    if (result.changed) this.#sync();
    return null;
  }

  /** Freezes or unfreezes a layer's weights (one undo step). */
  setTrainable(nodeId: string, trainable: boolean): void {
    this.run(trainable ? 'unfreeze layer' : 'freeze layer', (d) => setTrainable(d, nodeId, trainable));
  }

  rename(name: string): boolean {
    return this.run('rename', (d) => renameDesign(d, name));
  }

  deleteSelection(): void {
    const nodes = this.canvas.selectedNodeIds;
    const edges = this.canvas.selectedEdgeIds;
    if (nodes.length + edges.length === 0) return;
    this.run('delete', (d) => removeElements(d, nodes, edges));
  }

  selectAll(): void {
    this.canvas.select(this.design.graph.nodes.map((n) => n.id));
  }

  /** The selection as clipboard text, or undefined when nothing is selected. */
  copySelection(): string | undefined {
    const ids = this.canvas.selectedNodeIds;
    if (ids.length === 0) return undefined;
    this.#pasteCount = 0;
    return serializeFragment(extractFragment(this.design, ids));
  }

  paste(text: string): void {
    const parsed = parseFragment(text);
    if (!parsed.ok) {
      this.notices.show(parsed.message);
      return;
    }
    this.#pasteCount += 1;
    const shift = PASTE_OFFSET * this.#pasteCount;
    this.run('paste', (d) => insertFragment(d, parsed.fragment, { x: shift, y: shift }));
  }

  duplicateSelection(): void {
    const ids = this.canvas.selectedNodeIds;
    if (ids.length === 0) return;
    this.run('duplicate', (d) =>
      insertFragment(d, extractFragment(d, ids), { x: PASTE_OFFSET, y: PASTE_OFFSET }),
    );
  }

  /**
   * A drag is one gesture: Svelte Flow moves the nodes on screen while the
   * pointer moves (writing 300 positions into the document 60 times a second
   * would cost frames), and the final positions enter the design when the
   * drag ends, as one undo step.
   */
  beginMove(): void {
    this.store.beginGesture('move');
  }

  /** Positions from the canvas (a drag in progress, arrow keys) written into the design. */
  commitPositions(nodes: readonly { id: string; position: Position }[]): void {
    this.run('move', (d) => moveNodes(d, positionsOf(nodes)));
  }

  endMove(nodes: readonly { id: string; position: Position }[]): void {
    this.commitPositions(nodes);
    this.store.endGesture();
  }

  autoLayout(direction: LayoutDirection = this.direction): void {
    this.direction = direction;
    const positions = layoutGraph(this.design.graph, direction, (id) => this.canvas.sizeOf(id));
    if (this.run('auto-layout', (d) => moveNodes(d, positions)))
      queueMicrotask(() => this.viewport?.fitView());
  }

  undo(): void {
    if (this.store.undo()) this.#sync();
  }

  redo(): void {
    if (this.store.redo()) this.#sync();
  }
}
