/**
 * Fields whose text is not a value the design can hold (half-typed, out of
 * range). The text stays in the field for the user to finish, and the design
 * keeps its last valid value; Train reads this list so it never starts with a
 * setting other than the one the screen shows.
 */
import { SvelteMap } from 'svelte/reactivity';

export interface FieldProblem {
  /** The field's label, as the user reads it. */
  label: string;
  message: string;
}

export class FieldProblems {
  /** Keyed by the field's element id. */
  readonly items = new SvelteMap<string, FieldProblem>();

  /** Records (or, with null, clears) the problem of field `id`. */
  set(id: string, problem: FieldProblem | null): void {
    const current = this.items.get(id);
    if (problem === null) {
      if (current) this.items.delete(id);
    } else if (current?.message !== problem.message || current.label !== problem.label) {
      this.items.set(id, problem);
    }
  }

  /** The first problem, for a button that must say why it is disabled. */
  get first(): FieldProblem | undefined {
    return this.items.values().next().value;
  }

  get count(): number {
    return this.items.size;
  }
}
