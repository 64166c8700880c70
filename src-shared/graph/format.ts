/**
 * Shape formatting for messages and node faces. A leaf module (no imports) so
 * the layer catalogue can phrase its own messages with it without depending on
 * the rest of the graph rules.
 */
import type { Shape } from '../layers/types';

/**
 * A shape as the user reads it: `64`, `28×28×16`. `undefined`, an empty shape
 * and negative dimensions (the output layer's width before a data set is
 * chosen) render as `?`.
 */
export function formatShape(shape: Shape | undefined): string {
  if (!shape || shape.length === 0) return '?';
  return shape.map((d) => (Number.isFinite(d) && d >= 0 ? String(d) : '?')).join('×');
}

/**
 * Number of elements of one example of this shape; 0 when any dimension is
 * unknown (negative), so size limits ignore what cannot be known yet.
 */
export function shapeSize(shape: Shape): number {
  let size = 1;
  for (const d of shape) {
    if (!(d >= 0)) return 0;
    size *= d;
  }
  return size;
}

/** `1234567` → `1,234,567`, independent of the user's locale so tests and logs are stable. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
