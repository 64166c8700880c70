/**
 * The canvas' glue to Svelte Flow that is not markup: the viewport helpers the
 * editor borrows, and Shift+click selection.
 */
import type { useSvelteFlow } from '@xyflow/svelte';
import type { CanvasModel } from './state/canvas.svelte';
import type { ViewportBridge } from './state/editor.svelte';

/** Roughly one node, for deciding whether a new node is on screen. */
const NODE_BOX = { width: 190, height: 80 };

export function viewportBridge(
  flow: ReturnType<typeof useSvelteFlow>,
  container: () => HTMLElement | undefined,
): ViewportBridge {
  return {
    fitView: () => void flow.fitView({ padding: 0.2, maxZoom: 1.25, duration: 150 }),
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
