/**
 * The undo history of user edits (tldraw's HistoryManager). It stores diffs,
 * never whole documents, grouped into steps: every edit is a step of its own
 * unless a gesture is open, in which case all diffs recorded until the gesture
 * ends form one step (a drag, a typing session in a field).
 */
import { invertDiff, isEmptyDiff, type DesignDiff } from './diff';

export interface HistoryStep {
  /** What the user did, for the undo button's tooltip ("Undo move"). */
  label: string;
  diffs: DesignDiff[];
}

/** Steps kept: far more than anyone undoes, bounded so a long session cannot grow without end. */
const MAX_STEPS = 500;

export class HistoryManager {
  #undos = $state.raw<HistoryStep[]>([]);
  #redos = $state.raw<HistoryStep[]>([]);
  #gesture: HistoryStep | null = null;

  readonly canUndo = $derived(this.#undos.length > 0);
  readonly canRedo = $derived(this.#redos.length > 0);
  readonly undoLabel = $derived(this.#undos.at(-1)?.label);
  readonly redoLabel = $derived(this.#redos.at(-1)?.label);

  /** Number of undoable steps (a gesture in progress is not one yet). */
  get depth(): number {
    return this.#undos.length;
  }

  get inGesture(): boolean {
    return this.#gesture !== null;
  }

  /** Opens a gesture: every diff recorded until {@link endGesture} becomes one step. */
  beginGesture(label: string): void {
    this.endGesture();
    this.#gesture = { label, diffs: [] };
  }

  /** Closes the open gesture; a gesture that changed nothing leaves no step. */
  endGesture(): void {
    const gesture = this.#gesture;
    this.#gesture = null;
    if (gesture && gesture.diffs.length > 0) this.#push(gesture);
  }

  /** Records one user edit. Any new edit makes the redo stack unreachable, so it is dropped. */
  record(diff: DesignDiff, label: string): void {
    if (isEmptyDiff(diff)) return;
    if (this.#gesture) {
      this.#gesture.diffs.push(diff);
      if (this.#redos.length) this.#redos = [];
    } else {
      this.#push({ label, diffs: [diff] });
    }
  }

  /**
   * Takes the latest step off the undo stack and returns the diffs that revert
   * it, in the order to apply them; undefined when there is nothing to undo.
   */
  undo(): DesignDiff[] | undefined {
    this.endGesture();
    const step = this.#undos.at(-1);
    if (!step) return undefined;
    this.#undos = this.#undos.slice(0, -1);
    this.#redos = [...this.#redos, step];
    return step.diffs.map(invertDiff).reverse();
  }

  /** The diffs that replay the latest undone step, in order; undefined when there is none. */
  redo(): DesignDiff[] | undefined {
    this.endGesture();
    const step = this.#redos.at(-1);
    if (!step) return undefined;
    this.#redos = this.#redos.slice(0, -1);
    this.#undos = [...this.#undos, step];
    return step.diffs;
  }

  /** Forgets everything, as when a file is loaded. */
  clear(): void {
    this.#gesture = null;
    this.#undos = [];
    this.#redos = [];
  }

  #push(step: HistoryStep): void {
    const undos = [...this.#undos, step];
    this.#undos = undos.length > MAX_STEPS ? undos.slice(undos.length - MAX_STEPS) : undos;
    this.#redos = [];
  }
}
