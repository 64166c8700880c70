/**
 * The training dock's height: what the splitter drag asks for, clamped so the
 * canvas and the dock both keep usable room at every window size, and
 * remembered between sessions.
 */

/** The canvas never shrinks below this many pixels of height while the dock is open. */
export const MIN_CANVAS_PX = 220;
/** Below this the dock shows little more than its controls. */
export const MIN_DOCK_PX = 180;
/** The first open: this share of the window's height. */
export const DEFAULT_DOCK_SHARE = 0.5;
/** Where the height is remembered. */
export const DOCK_STORAGE_KEY = 'backflow.dockHeight';

/**
 * The dock height to use for `wanted` pixels in a window `windowHeight` tall
 * whose toolbar and dock controls take `chrome` pixels: never so tall that the
 * canvas drops under {@link MIN_CANVAS_PX}, never under {@link MIN_DOCK_PX}
 * unless the window is too short for both (then the canvas wins half).
 */
export function clampDockHeight(wanted: number, windowHeight: number, chrome: number): number {
  const room = windowHeight - chrome;
  const max = Math.max(room - MIN_CANVAS_PX, Math.floor(room / 2));
  const min = Math.min(MIN_DOCK_PX, max);
  const value = Number.isFinite(wanted) ? wanted : DEFAULT_DOCK_SHARE * windowHeight;
  return Math.round(Math.min(max, Math.max(min, value)));
}

/** The remembered height, or null when none was stored (or it is not a positive number). */
export function readDockHeight(storage: Pick<Storage, 'getItem'> | undefined): number | null {
  try {
    const text = storage?.getItem(DOCK_STORAGE_KEY);
    const value = text ? Number(text) : NaN;
    return Number.isFinite(value) && value > 0 ? value : null;
  } catch {
    // Storage can be denied (a sandboxed page): the default height still works.
    return null;
  }
}

export function writeDockHeight(storage: Pick<Storage, 'setItem'> | undefined, height: number): void {
  try {
    storage?.setItem(DOCK_STORAGE_KEY, String(Math.round(height)));
  } catch {
    // Not remembered, but the drag still applies for this session.
  }
}
