/**
 * tfjs-wasm's Identity kernel copies its input. tfjs runs Identity (engine.clone)
 * on every tensor a registered gradient saves, so on WASM each layer's saved
 * input or output was copied once per step: W4 copied four 64×28×28×16
 * tensors a step that way. The other backends' Identity, and WASM's own
 * Reshape, share the data and count references instead; no kernel writes into
 * its inputs, so sharing is as safe here as it is for Reshape.
 */
import { tf } from './tf';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };

let replaced = false;

/** Makes the wasm backend's Identity share its input's data (once). */
export function shareDataOnWasmIdentity(): void {
  if (replaced || !tf.getKernel('Identity', 'wasm')) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = (inputs as unknown as { x: TensorInfo }).x;
      (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as never;
    },
  });
  replaced = true;
}
