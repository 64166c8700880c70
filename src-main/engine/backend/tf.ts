/**
 * The one place the engine imports TensorFlow.js from. The umbrella package
 * brings core, layers (for export), the CPU backend and every op's gradient
 * registration (tfjs-core alone registers none); WASM and the native
 * TensorFlow bindings are loaded on demand by initBackend.
 */
import * as tf from '@tensorflow/tfjs';

// Production mode skips tfjs's debug-time checks and its console banner
// ("install our node backend"), which would otherwise pollute CLI output.
tf.enableProdMode();

export { tf };
export type { Tensor, Variable, Rank, TensorLike } from '@tensorflow/tfjs';
