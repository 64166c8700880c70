/**
 * The editor's live view of the shared graph rules: the shape context taken
 * from the design's data section, and an analysis that is recomputed only when
 * the structure changes (moving nodes does not change a single shape).
 */
import { shapeContext, type DataDescription } from '../../../../src-shared/design/datasets';
import type { Design, DesignGraph } from '../../../../src-shared/design/types';
import { analyzeGraph, type GraphAnalysis } from '../../../../src-shared/graph/index';

/** True when the two graphs differ at most in node positions. */
export function sameStructure(a: DesignGraph, b: DesignGraph): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((node, i) => {
    const other = b.nodes[i];
    return (
      node === other || (node.id === other.id && node.type === other.type && node.params === other.params)
    );
  });
}

/** A memoized `analyzeGraph` for one editor: same structure and data, same analysis object. */
export function createAnalyzer(): (design: Design, known?: DataDescription | null) => GraphAnalysis {
  let last: { graph: DesignGraph; data: Design['data']; known: unknown; analysis: GraphAnalysis } | undefined;
  return (design, known = null) => {
    if (
      last &&
      last.data === design.data &&
      last.known === known &&
      sameStructure(last.graph, design.graph)
    ) {
      last.graph = design.graph;
      return last.analysis;
    }
    const analysis = analyzeGraph(design.graph, shapeContext(design, known));
    last = { graph: design.graph, data: design.data, known, analysis };
    return analysis;
  };
}
