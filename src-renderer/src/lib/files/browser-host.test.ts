/**
 * The browser's file chooser results: a design opened together with its
 * weights file keeps them; model files for an import are read as bytes,
 * within what one import may carry.
 */
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../../../src-shared/protocol-checks';
import { readDesignWithWeights, readModelFiles } from './browser-host';

const file = (name: string, content: string | Uint8Array) => new File([content as BlobPart], name);

describe('browser files', () => {
  it('opens a design with the weights file chosen together with it, whatever the order', async () => {
    const weights = Uint8Array.from([1, 2, 3]);
    const read = await readDesignWithWeights([
      file('other.weights.safetensors', new Uint8Array(1)),
      file('deep.weights.safetensors', weights),
      file('deep.backflow.json', '{"name":"x"}'),
    ]);
    expect(read).toEqual({
      ok: true,
      value: { text: '{"name":"x"}', fileName: 'deep.backflow.json', path: '', weights },
    });
    const alone = await readDesignWithWeights([file('deep.backflow.json', '{}')]);
    expect(alone.ok && alone.value.weights).toBeUndefined();
  });

  it('reads model files as bytes, and refuses more than one import may carry', async () => {
    const read = await readModelFiles([file('model.json', '{}'), file('weights.bin', Uint8Array.from([9]))]);
    expect(read).toEqual({
      ok: true,
      value: [
        { name: 'model.json', bytes: new TextEncoder().encode('{}') },
        { name: 'weights.bin', bytes: Uint8Array.from([9]) },
      ],
    });
    const huge = { name: 'huge.bin', size: MAX_UPLOAD_BYTES + 1 } as File;
    expect(await readModelFiles([huge])).toEqual({
      ok: false,
      error: { type: 'tooLarge', message: 'the chosen files are larger than 72 MB' },
    });
  });
});
