/**
 * A design's pretrained weights travel beside it as a file of their own:
 * `foo.backflow.json` has `foo.weights.safetensors` (safetensors keyed
 * `nodeId/role`, the keys of the engine's initial weights). The CLI's
 * `import` writes it, `train` and `export` read it, the app saves and opens
 * it with the design. Kept apart from the design JSON so the design stays
 * small, diffable text and the weights stay exact binary floats.
 */

/** What ends the weights file's name. */
export const WEIGHTS_FILE_SUFFIX = '.weights.safetensors';

/**
 * Largest weights file accepted anywhere (upload, IPC, disk): 16 M float32
 * parameters, far beyond the CPU-sized networks Backflow trains.
 */
export const MAX_WEIGHTS_BYTES = 64 * 1024 * 1024;

/** The weights file beside a design file: `dir/foo.backflow.json` → `dir/foo.weights.safetensors`. */
export function weightsPathFor(designPath: string): string {
  return `${designPath.replace(/(\.backflow)?\.json$/i, '')}${WEIGHTS_FILE_SUFFIX}`;
}
