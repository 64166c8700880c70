/**
 * The canvas' glue to Svelte Flow that is not markup: the viewport helpers the
 * editor borrows, and Shift+click selection.
 */
import type { useSvelteFlow } from '@xyflow/svelte';
import type { CanvasModel } from './state/canvas.svelte';
import type { ViewportBridge } from './state/editor.svelte';

/** How a fit frames the network: a margin around it, and never magnified past 125 %. */
export const FIT_OPTIONS = { padding: 0.12, maxZoom: 1.25 } as const;

/** Roughly one node, for deciding whether a new node is on screen. */
const NODE_BOX = { width: 190, height: 80 };

export function viewportBridge(
  flow: ReturnType<typeof useSvelteFlow>,
  container: () => HTMLElement | undefined,
): ViewportBridge {
  return {
    fitView: () => void flow.fitView({ ...FIT_OPTIONS, duration: 150 }),
    center: () => {
      const rect = container()?.getBoundingClientRect();
      if (!rect) return { x: 0, y: 0 };
      return flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
    },
    reveal: (p) => {
      const rect = container()?.getBoundingClientRect();
      if (!rect) return;
      const topLeft = flow.flowToScreenPosition(p);
      const bottomRight = flow.flowToScreenPosition({ x: p.x + NODE_BOX.width, y: p.y + NODE_BOX.height });
      const inside =
        topLeft.x >= rect.left &&
        topLeft.y >= rect.top &&
        bottomRight.x <= rect.right &&
        bottomRight.y <= rect.bottom;
      if (!inside) {
        void flow.setCenter(p.x + NODE_BOX.width / 2, p.y + NODE_BOX.height / 2, {
          zoom: flow.getZoom(),
          duration: 150,
        });
      }
    },
  };
}

/**
 * Calls `fit` when the canvas changes size (the training dock opens or is
 * dragged, the window is resized), at most once a frame, so the network stays
 * in view instead of sliding under the dock. Returns the cleanup.
 */
export function fitWhenResized(element: HTMLElement, fit: () => void): () => void {
  let frame = 0;
  let last = { width: -1, height: -1 };
  const observer = new ResizeObserver(([entry]) => {
    const { width, height } = entry.contentRect;
    // Sub-pixel jitter (scrollbars, rounding) is not a resize the user made.
    if (Math.abs(width - last.width) < 2 && Math.abs(height - last.height) < 2) return;
    last = { width, height };
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(fit);
  });
  observer.observe(element);
  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
  };
}

/**
 * Shift+click adds a layer to the selection or takes it out. Svelte Flow also
 * uses Shift for the selection box and, with the key held, may treat a click
 * as a tiny box and swallow it; so capture listeners on the window (which see
 * every click first) decide, from the selection as it was when the button
 * went down. Returns the cleanup.
 */
export function shiftClickSelection(
  canvas: CanvasModel,
  container: () => HTMLElement | undefined,
): () => void {
  let before: string[] = [];
  const remember = () => (before = canvas.selectedNodeIds);
  const onclick = (event: MouseEvent) => {
    if (!event.shiftKey || !(event.target instanceof Element)) return;
    const element = event.target.closest('.svelte-flow__node');
    const id = element && container()?.contains(element) ? element.getAttribute('data-id') : null;
    if (!id) return;
    const next = before.includes(id) ? before.filter((other) => other !== id) : [...before, id];
    // After Svelte Flow has handled the same click.
    setTimeout(() => canvas.select(next), 0);
  };
  window.addEventListener('pointerdown', remember, true);
  window.addEventListener('click', onclick, true);
  return () => {
    window.removeEventListener('pointerdown', remember, true);
    window.removeEventListener('click', onclick, true);
  };
}
