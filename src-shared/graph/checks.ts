/**
 * Second pass: the wiring rules that need the whole clean structure — how
 * many inputs each node has, the slots of multi-input nodes, exactly one input
 * and one output node, and every node on a path from the input to the output.
 */
import type { DesignEdge } from '../design/types';
import { handleName, parseHandle, sortByHandle } from './handles';
import type { ProblemLog } from './problems';
import { short } from './problems';
import type { Structure } from './sanitize';

/** Incoming edges of each node, in input order (by slot for multi-input nodes). */
export function incomingEdges(structure: Structure): Map<string, DesignEdge[]> {
  const incoming = new Map<string, DesignEdge[]>(structure.ids.map((id) => [id, []]));
  for (const edge of structure.edges) incoming.get(edge.target)?.push(edge);
  for (const [id, edges] of incoming) {
    const spec = structure.nodes.get(id)?.spec;
    if (spec && spec.inputs.max > 1) incoming.set(id, sortByHandle(edges));
  }
  return incoming;
}

/**
 * Checks each node's number of inputs and, for multi-input nodes, their slots.
 * Returns the nodes whose inputs are wrong: their shapes cannot be inferred.
 */
export function checkInputs(
  structure: Structure,
  incoming: Map<string, DesignEdge[]>,
  log: ProblemLog,
): Set<string> {
  const wrong = new Set<string>();
  for (const id of structure.ids) {
    const spec = structure.nodes.get(id)?.spec;
    if (!spec || spec.inputs.max === 0 || structure.tainted.has(id)) continue;
    const edges = incoming.get(id) ?? [];
    const { min, max } = spec.inputs;
    const n = edges.length;
    if (n < min || n > max) {
      wrong.add(id);
      const expects = min === max ? `${min} input${min === 1 ? '' : 's'}` : `${min} to ${max} inputs`;
      let fix: string;
      if (n === 0) fix = 'connect a layer to it';
      else if (n < min) fix = `connect ${min - n === 1 ? 'another layer' : `${min - n} more layers`} to it`;
      else if (max === 1)
        fix = `keep one of edges ${edges.map((e) => short(e.id)).join(', ')} (or merge them first with an add or concatenate layer)`;
      else fix = `delete ${n - max} of its incoming edges`;
      log.node(id, `expects ${expects}, has ${n} — ${fix}`);
    } else if (max > 1 && !checkSlots(id, edges, log)) {
      wrong.add(id);
    }
  }
  return wrong;
}

/** Slots must be exactly in0 … in(n−1), one edge each: the order the merge reads its inputs in. */
function checkSlots(id: string, edges: readonly DesignEdge[], log: ProblemLog): boolean {
  const n = edges.length;
  const range = n === 1 ? 'in0' : `in0 to ${handleName(n - 1)}`;
  const used = new Map<number, DesignEdge>();
  let ok = true;
  for (const edge of edges) {
    const slot = parseHandle(edge.targetHandle);
    const what = `input edge ${short(edge.id)} (from ${short(edge.source)})`;
    if (edge.targetHandle === undefined) {
      log.node(id, `${what} has no slot — set its targetHandle to one of ${range}`, edge.id);
      ok = false;
    } else if (slot === undefined) {
      log.node(id, `${what} uses slot "${short(edge.targetHandle)}" — slots are named ${range}`, edge.id);
      ok = false;
    } else if (used.has(slot)) {
      const other = used.get(slot) as DesignEdge;
      log.node(
        id,
        `input edges ${short(other.id)} and ${short(edge.id)} both use slot ${handleName(slot)} — give each its own slot`,
        edge.id,
      );
      ok = false;
    } else {
      used.set(slot, edge);
    }
  }
  if (ok && [...used.keys()].some((slot) => slot >= n)) {
    const slots = sortByHandle(edges)
      .map((e) => e.targetHandle)
      .join(', ');
    log.node(id, `inputs use slots ${slots} — with ${n} inputs they must be ${range}, with no gap`);
    ok = false;
  }
  return ok;
}

/** Exactly one input and one output node; returns all of each, for reachability. */
export function checkEnds(structure: Structure, log: ProblemLog): { inputs: string[]; outputs: string[] } {
  const inputs = structure.ids.filter((id) => structure.nodes.get(id)?.type === 'input');
  const outputs = structure.ids.filter((id) => structure.nodes.get(id)?.type === 'output');
  if (inputs.length === 0)
    log.graph('the network has no input node — add one from the palette and connect it');
  if (outputs.length === 0)
    log.graph('the network has no output node — add one from the palette and connect your last layer to it');
  for (const extra of inputs.slice(1)) {
    log.node(
      extra,
      `the network already has an input node (${short(inputs[0])}) and takes only one — delete this one`,
    );
  }
  for (const extra of outputs.slice(1)) {
    log.node(
      extra,
      `the network already has an output node (${short(outputs[0])}) and takes only one — delete this one`,
    );
  }
  return { inputs, outputs };
}

/**
 * Every node must lie on a path from an input to an output: anything else
 * would be built but never trained (or never fed). Quiet about nodes that
 * already have a problem, which is usually the cause.
 */
export function checkReachable(
  structure: Structure,
  ends: { inputs: string[]; outputs: string[] },
  wrongInputs: ReadonlySet<string>,
  log: ProblemLog,
): void {
  if (ends.inputs.length === 0 || ends.outputs.length === 0) return;
  // A node whose inputs are already reported as missing or lost counts as fed, and one that
  // lost an outgoing edge counts as leading to the output, so the fault is not reported again
  // as "not connected" on every node beyond it.
  const fed = [...ends.inputs, ...structure.tainted, ...wrongInputs];
  const fromInput = reach(fed, structure.edges, 'source', 'target');
  const toOutput = reach([...ends.outputs, ...structure.cut], structure.edges, 'target', 'source');
  for (const id of structure.ids) {
    if (log.flagged.has(id) || structure.tainted.has(id)) continue;
    const isFed = fromInput.has(id);
    const isUsed = toOutput.has(id);
    if (isFed && isUsed) continue;
    const what = !isFed && !isUsed ? 'the input or the output' : isFed ? 'the output' : 'the input';
    log.node(id, `not connected to ${what} — connect it or delete it`);
  }
}

function reach(
  starts: readonly string[],
  edges: readonly DesignEdge[],
  from: 'source' | 'target',
  to: 'source' | 'target',
): Set<string> {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const list = next.get(edge[from]);
    if (list) list.push(edge[to]);
    else next.set(edge[from], [edge[to]]);
  }
  const seen = new Set(starts);
  const stack = [...starts];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}
