import { describe, expect, it } from 'vitest';
import { parseEngineRequest } from './protocol';

const start = {
  type: 'train.start',
  runId: 1,
  designText: '{}',
  designDir: null,
  backend: 'auto',
  telemetryEvery: 1,
};

describe('parseEngineRequest', () => {
  it('accepts well-formed requests', () => {
    expect(parseEngineRequest(start)).toEqual({ ok: true, value: start });
    expect(parseEngineRequest({ type: 'train.pause', runId: 7 }).ok).toBe(true);
    const full = { ...start, seed: 3, maxSteps: 10, boundaryEvery: 5 };
    expect(parseEngineRequest(full)).toEqual({ ok: true, value: full });
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
});
