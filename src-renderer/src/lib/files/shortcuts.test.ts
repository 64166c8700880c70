import { describe, expect, it } from 'vitest';
import { fileActionFor } from './shortcuts';

const press = (
  key: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('file shortcuts', () => {
  it('maps Ctrl elsewhere and ⌘ on macOS', () => {
    expect(fileActionFor(press('s', { ctrlKey: true }), false)).toBe('save');
    expect(fileActionFor(press('S', { ctrlKey: true, shiftKey: true }), false)).toBe('saveAs');
    expect(fileActionFor(press('o', { ctrlKey: true }), false)).toBe('open');
    expect(fileActionFor(press('n', { ctrlKey: true }), false)).toBe('new');
    expect(fileActionFor(press('e', { ctrlKey: true }), false)).toBe('export');
    expect(fileActionFor(press('I', { ctrlKey: true }), false)).toBe('import');
    expect(fileActionFor(press('e', { metaKey: true }), true)).toBe('export');
    expect(fileActionFor(press('s', { metaKey: true }), true)).toBe('save');
    expect(fileActionFor(press('s', { ctrlKey: true }), true)).toBeUndefined();
    expect(fileActionFor(press('s', { metaKey: true }), false)).toBeUndefined();
  });

  it('leaves other keys and modifiers alone', () => {
    expect(fileActionFor(press('s'), false)).toBeUndefined();
    expect(fileActionFor(press('s', { ctrlKey: true, altKey: true }), false)).toBeUndefined();
    expect(fileActionFor(press('o', { ctrlKey: true, shiftKey: true }), false)).toBeUndefined();
    expect(fileActionFor(press('i', { ctrlKey: true, shiftKey: true }), false)).toBeUndefined(); // dev tools
    expect(fileActionFor(press('e'), false)).toBeUndefined();
    expect(fileActionFor(press('z', { ctrlKey: true }), false)).toBeUndefined();
  });
});
