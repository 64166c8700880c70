import { describe, expect, it } from 'vitest';
import {
  clampDockHeight,
  DOCK_STORAGE_KEY,
  MIN_CANVAS_PX,
  MIN_DOCK_PX,
  readDockHeight,
  writeDockHeight,
} from './dock-size';

describe('clampDockHeight', () => {
  it('keeps a height that leaves the canvas its room', () => {
    expect(clampDockHeight(300, 900, 40)).toBe(300);
  });

  it('never lets the dock push the canvas under its minimum', () => {
    // 1024×700: 700 − 40 toolbar − 220 canvas = 440 at most.
    expect(clampDockHeight(650, 700, 40)).toBe(700 - 40 - MIN_CANVAS_PX);
  });

  it('never shrinks the dock under its minimum', () => {
    expect(clampDockHeight(20, 900, 40)).toBe(MIN_DOCK_PX);
  });

  it('splits a window too short for both minimums in half', () => {
    // 360 px of room: 220 + 180 do not fit, so the dock may take half.
    expect(clampDockHeight(300, 400, 40)).toBe(180);
    expect(clampDockHeight(10, 300, 40)).toBe(130);
  });

  it('starts at a share of the window when nothing was chosen', () => {
    expect(clampDockHeight(NaN, 1000, 40)).toBe(500);
  });
});

describe('dock height storage', () => {
  const memory = () => {
    const map = new Map<string, string>();
    return {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => map.set(k, v),
      map,
    };
  };

  it('round-trips a height, rounded to whole pixels', () => {
    const storage = memory();
    writeDockHeight(storage, 312.6);
    expect(storage.map.get(DOCK_STORAGE_KEY)).toBe('313');
    expect(readDockHeight(storage)).toBe(313);
  });

  it('ignores what is not a positive number, and storage that throws', () => {
    const storage = memory();
    expect(readDockHeight(storage)).toBeNull();
    storage.setItem(DOCK_STORAGE_KEY, 'tall');
    expect(readDockHeight(storage)).toBeNull();
    storage.setItem(DOCK_STORAGE_KEY, '-5');
    expect(readDockHeight(storage)).toBeNull();
    const denied = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(readDockHeight(denied)).toBeNull();
    expect(() => writeDockHeight(denied, 300)).not.toThrow();
  });
});
