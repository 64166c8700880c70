/**
 * Edge geometry. Most edges are Svelte Flow's usual bezier curves; an edge
 * that jumps over several layers lying in line with it (a residual block's
 * skip connection after auto-layout) would run straight through them, so it
 * bows out to the side instead.
 */
import { getBezierPath, Position } from '@xyflow/svelte';

export interface EdgeGeometry {
  sourceX: number;
  sourceY: number;
  targetX: number;
  targetY: number;
  sourcePosition: Position;
  targetPosition: Position;
}

/** Longer than one layer plus its gap, i.e. the edge passes at least one layer. */
const SKIP_LENGTH = 260;
/** Closer than this across the flow, the edge would cross the layers it skips. */
const IN_LINE = 90;
const BOW = 130;

/** `[path, labelX, labelY]`. */
export function edgePath(g: EdgeGeometry): [string, number, number] {
  const vertical = g.sourcePosition === Position.Bottom;
  const along = vertical ? g.targetY - g.sourceY : g.targetX - g.sourceX;
  const across = vertical ? g.targetX - g.sourceX : g.targetY - g.sourceY;
  if (along < SKIP_LENGTH || Math.abs(across) > IN_LINE) {
    const [path, x, y] = getBezierPath(g);
    return [path, x, y];
  }
  // Bow right of a column, above a row.
  const reach = Math.min(along / 3, 160);
  const c1 = vertical
    ? { x: g.sourceX + BOW, y: g.sourceY + reach }
    : { x: g.sourceX + reach, y: g.sourceY - BOW };
  const c2 = vertical
    ? { x: g.targetX + BOW, y: g.targetY - reach }
    : { x: g.targetX - reach, y: g.targetY - BOW };
  const path = `M${g.sourceX},${g.sourceY} C${c1.x},${c1.y} ${c2.x},${c2.y} ${g.targetX},${g.targetY}`;
  // The curve's midpoint (t = 1/2).
  const labelX = (g.sourceX + 3 * c1.x + 3 * c2.x + g.targetX) / 8;
  const labelY = (g.sourceY + 3 * c1.y + 3 * c2.y + g.targetY) / 8;
  return [path, labelX, labelY];
}
