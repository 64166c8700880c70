import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME, MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES } from './protocol-checks';
import {
  MAX_BINARY_REQUEST_BYTES,
  MAX_DATA_FILE_BYTES,
  MAX_REQUEST_HEADER_BYTES,
  MAX_TEXT_REQUEST_BYTES,
  parseEngineRequest,
  refusal,
} from './protocol';
import { encodeMessage } from './wire';
import { MAX_WEIGHTS_BYTES } from './weights-file';

const start = {
  type: 'train.start',
  runId: 1,
  designText: '{}',
  designDir: null,
  backend: 'auto',
  telemetryEvery: 1,
};
const bytes = (n: number) => new Uint8Array(n);
const exportInitial = { type: 'export.initial', requestId: 2, designText: '{}', format: 'tfjs' };
const previewInit = { type: 'preview.init', requestId: 8, designText: '{}' };
const importModel = (files: unknown) => ({ type: 'import.model', requestId: 3, files });
const file = (name: unknown, content: unknown = bytes(4)) => ({ name, bytes: content });

describe('parseEngineRequest', () => {
  it('accepts well-formed requests', () => {
    expect(parseEngineRequest(start)).toEqual({ ok: true, value: start });
    expect(parseEngineRequest({ type: 'train.pause', runId: 7 }).ok).toBe(true);
    const full = { ...start, seed: 3, maxSteps: 10, boundaryEvery: 5, initialWeights: bytes(16) };
    expect(parseEngineRequest(full)).toEqual({ ok: true, value: full });
    const exported = { ...exportInitial, seed: 9, initialWeights: bytes(8) };
    expect(parseEngineRequest(exported)).toEqual({ ok: true, value: exported });
    const run = { type: 'export.run', requestId: 4, runId: 12, format: 'pytorch' };
    expect(parseEngineRequest(run)).toEqual({ ok: true, value: run });
    const upload = importModel([
      file('model.json'),
      file('group1-shard1of1.bin'),
      file('weights.safetensors'),
    ]);
    expect(parseEngineRequest(upload)).toEqual({ ok: true, value: upload });
    const preview = {
      ...previewInit,
      seed: 4,
      designDir: null,
      initialWeights: bytes(8),
      dataFile: file('data.csv'),
    };
    expect(parseEngineRequest(preview)).toEqual({ ok: true, value: preview });
    expect(parseEngineRequest(previewInit)).toEqual({ ok: true, value: previewInit });
  });

  const hostile: [string, unknown, string][] = [
    ['null', null, 'must be an object'],
    ['an array', [start], 'must be an object'],
    ['an unknown type', { type: 'fs.readFile', runId: 1 }, 'unknown request type "fs.readFile"'],
    [
      'a prototype key',
      JSON.parse('{"type":"train.pause","runId":1,"__proto__":{"polluted":true}}'),
      'unexpected field "__proto__"',
    ],
    ['an extra field', { type: 'train.stop', runId: 1, path: '/etc/passwd' }, 'unexpected field "path"'],
    ['a string runId', { type: 'train.stop', runId: '1' }, 'runId must be a whole number'],
    [
      'a huge design',
      { ...start, designText: 'x'.repeat(22 * 1024 * 1024) },
      'designText must be the design file text',
    ],
    ['a NUL in designDir', { ...start, designDir: '/tmp/\0x' }, 'designDir must be a folder path or null'],
    ['an unknown backend', { ...start, backend: 'gpu' }, 'backend must be one of'],
    ['a negative cadence', { ...start, telemetryEvery: -1 }, 'telemetryEvery must be a whole number'],
    ['a fractional seed', { ...start, seed: 1.5 }, 'seed must be a whole number'],
    ['a negative boundary cadence', { ...start, boundaryEvery: -2 }, 'boundaryEvery must be a whole number'],
    ['weights as a number list', { ...start, initialWeights: [1, 2, 3] }, 'initialWeights must be bytes'],
    ['weights as text', { ...start, initialWeights: 'AAAA' }, 'initialWeights must be bytes'],
    [
      'weights as float32',
      { ...start, initialWeights: new Float32Array(4) },
      'initialWeights must be bytes (a Uint8Array)',
    ],
    [
      'weights past the limit',
      { ...start, initialWeights: bytes(MAX_WEIGHTS_BYTES + 1) },
      'initialWeights is larger than 64 MB',
    ],
    [
      'an export without an id',
      { ...exportInitial, requestId: undefined },
      'requestId must be a whole number',
    ],
    [
      'an unknown format',
      { ...exportInitial, format: 'caffe' },
      'format must be one of tfjs, keras, pytorch, onnx',
    ],
    ['an export with a path', { ...exportInitial, out: '/etc' }, 'unexpected field "out"'],
    [
      'an export of a run without its id',
      { type: 'export.run', requestId: 1, format: 'tfjs' },
      'runId must be a whole number',
    ],
    ['a preview without an id', { ...previewInit, requestId: -1 }, 'preview.init: requestId must be'],
    ['a preview without a design', { ...previewInit, designText: 7 }, 'designText must be the design'],
    ['a preview with a format', { ...previewInit, format: 'tfjs' }, 'unexpected field "format"'],
    ['a preview of a run', { ...previewInit, runId: 3 }, 'unexpected field "runId"'],
    ['a preview seed past 2^32', { ...previewInit, seed: 2 ** 32 }, 'seed must be a whole number'],
    ['a preview folder with a NUL', { ...previewInit, designDir: 'a\0' }, 'designDir must be a folder'],
    ['a preview data file with a path', { ...previewInit, dataFile: file('../d.csv') }, 'has a folder in it'],
    [
      'a preview data file past the limit',
      { ...previewInit, dataFile: file('d.csv', bytes(MAX_DATA_FILE_BYTES + 1)) },
      'is larger than 50 MB',
    ],
    ['preview weights as text', { ...previewInit, initialWeights: 'AA' }, 'initialWeights must be bytes'],
    ['an import without files', importModel([]), 'files must be a list of 1 to 64 files'],
    ['an import of a string', importModel('model.json'), 'files must be a list'],
    [
      'too many files',
      importModel(Array.from({ length: MAX_UPLOAD_FILES + 1 }, (_, i) => file(`w${i}.bin`))),
      'files must be a list of 1 to 64 files',
    ],
    ['a file that is null', importModel([null]), 'each file must be an object'],
    [
      'a file with a path field',
      importModel([{ ...file('a.bin'), path: '/x' }]),
      'exactly the fields name and bytes',
    ],
    [
      'a file with a prototype key',
      importModel([JSON.parse('{"name":"a.bin","__proto__":{"polluted":1}}')]),
      'exactly the fields name and bytes',
    ],
    ['a path in a name', importModel([file('../../etc/passwd')]), 'has a folder in it'],
    ['an absolute name', importModel([file('/etc/passwd')]), 'has a folder in it'],
    ['a Windows path', importModel([file('..\\model.json')]), 'has a folder in it'],
    ['a dot-dot name', importModel([file('..')]), 'is not a file'],
    ['a NUL in a name', importModel([file('model.json\0.png')]), 'characters files cannot have'],
    ['a drive or stream name', importModel([file('C:model.json')]), 'characters files cannot have'],
    ['a trailing dot', importModel([file('model.json.')]), 'ends with a dot or a space'],
    ['an empty name', importModel([file('')]), 'a file name must be text of 1 to 255'],
    ['a numeric name', importModel([file(7)]), 'a file name must be text'],
    ['a huge name', importModel([file('a'.repeat(300))]), 'a file name must be text of 1 to 255'],
    ['content as text', importModel([file('model.json', '{}')]), 'must be bytes'],
    [
      'a name twice (by case)',
      importModel([file('model.json'), file('Model.JSON')]),
      'the file name "Model.JSON" is given twice',
    ],
    [
      'files past the limit together',
      importModel([
        file('a.bin', bytes(MAX_UPLOAD_BYTES / 2 + 1)),
        file('b.bin', bytes(MAX_UPLOAD_BYTES / 2)),
      ]),
      'larger than 72 MB together',
    ],
  ];
  for (const [name, payload, message] of hostile) {
    it(`refuses ${name}`, () => {
      const result = parseEngineRequest(payload);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.type).toBe('badRequest');
        expect(result.error.message).toContain(message);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('fits the largest import the checks allow into one binary request the server accepts', () => {
    // 64 files with the longest names, all the bytes an import may carry: the worst case for
    // both the header (names) and the payload (alignment after every file).
    const each = Math.floor(MAX_UPLOAD_BYTES / MAX_UPLOAD_FILES);
    const files = Array.from({ length: MAX_UPLOAD_FILES }, (_, i) => ({
      name: `${i}`.padStart(MAX_FILE_NAME, 'w'),
      bytes: new Uint8Array(each + (i === 0 ? MAX_UPLOAD_BYTES - each * MAX_UPLOAD_FILES : 0) - (i % 8)),
    }));
    const request = { type: 'import.model', requestId: 1, files };
    expect(parseEngineRequest(request).ok).toBe(true);
    const frame = encodeMessage(request) as Uint8Array;
    expect(frame.length).toBeLessThanOrEqual(MAX_BINARY_REQUEST_BYTES);
    expect(new DataView(frame.buffer).getUint32(4, true)).toBeLessThanOrEqual(MAX_REQUEST_HEADER_BYTES);
  });

  it('fits a run with the largest pretrained weights and CSV data file into one binary request', () => {
    const designText = 'd'.repeat(MAX_TEXT_REQUEST_BYTES - 1024);
    const request = {
      ...start,
      designText,
      initialWeights: new Uint8Array(MAX_WEIGHTS_BYTES),
      dataFile: { name: 'x'.repeat(MAX_FILE_NAME - 4) + '.csv', bytes: new Uint8Array(MAX_DATA_FILE_BYTES) },
    };
    expect(parseEngineRequest(request).ok).toBe(true);
    expect((encodeMessage(request) as Uint8Array).length).toBeLessThanOrEqual(MAX_BINARY_REQUEST_BYTES);
    expect(MAX_BINARY_REQUEST_BYTES).toBeLessThan(119 * 1024 * 1024); // the README's figure
  });
});

describe('refusal', () => {
  const error = { type: 'badRequest' as const, message: 'no' };
  it('answers an export or import with its result, so the page waiting for it hears back', () => {
    expect(refusal({ type: 'export.run', requestId: 5 }, error)).toEqual({
      type: 'export.onResult',
      requestId: 5,
      result: { ok: false, error },
    });
    expect(refusal({ type: 'import.model', requestId: 6, files: 'x' }, error)).toMatchObject({
      type: 'import.onResult',
      requestId: 6,
    });
    expect(refusal({ type: 'preview.init', requestId: 9 }, error)).toEqual({
      type: 'preview.onResult',
      requestId: 9,
      result: { ok: false, error },
    });
  });
  it('answers anything else with train.onError', () => {
    expect(refusal({ type: 'train.stop', runId: 2 }, error)).toEqual({
      type: 'train.onError',
      runId: 2,
      error,
    });
    expect(refusal({ type: 'export.run', requestId: 'x' }, error)).toEqual({
      type: 'train.onError',
      runId: null,
      error,
    });
    expect(refusal(null, error)).toEqual({ type: 'train.onError', runId: null, error });
  });
});
