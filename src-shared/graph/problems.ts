/** The problem record every graph rule reports, and the helpers that phrase them. */

/**
 * One reason a design cannot be trained, for the editor to mark inline and the
 * CLI to print. `message` starts with the node id (`d3: expects 1 input, has 0
 * — connect a layer to it`) and says what to do; `nodeId` is null only for
 * problems of the whole graph (no input node).
 */
export interface NodeProblem {
  nodeId: string | null;
  /** The edge at fault, when there is one (the editor highlights it). */
  edgeId?: string;
  message: string;
}

/** The longest id or name quoted in a message: hostile files cannot flood the UI. */
const MAX_QUOTED = 40;

/** A name as quoted in a message, cut short when it is long. */
export function short(name: unknown): string {
  const text = typeof name === 'string' ? name : String(name);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
}

/**
 * Collects problems and remembers which nodes have one, so later checks can
 * stay quiet about a node whose real trouble is already reported.
 */
export class ProblemLog {
  readonly problems: NodeProblem[] = [];
  readonly flagged = new Set<string>();

  /** Reports `message` about `nodeId`, prefixing the id. */
  node(nodeId: string, message: string, edgeId?: string): void {
    this.flagged.add(nodeId);
    this.problems.push(
      edgeId === undefined
        ? { nodeId, message: `${short(nodeId)}: ${message}` }
        : { nodeId, edgeId, message: `${short(nodeId)}: ${message}` },
    );
  }

  /** Reports a problem of the whole graph (no node to attach it to). */
  graph(message: string, edgeId?: string): void {
    this.problems.push(edgeId === undefined ? { nodeId: null, message } : { nodeId: null, edgeId, message });
  }
}
