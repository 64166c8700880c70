/**
 * The one keymap: each binding's keys map back to its command on both
 * platforms, with exact modifiers, and the desktop menu's accelerators are
 * the keymap's (so the menu never shows a shortcut the page does not handle).
 */
import { describe, expect, it } from 'vitest';
import {
  acceleratorFor,
  commandForKey,
  EDITOR_COMMANDS,
  FILE_COMMANDS,
  KEYMAP,
  keysOn,
  type KeyLike,
} from './keymap';

const ALL = [...EDITOR_COMMANDS, ...FILE_COMMANDS, 'copy', 'paste'] as const;

/** The key event a user makes for `keys` on a platform. */
function press(keys: string, mac: boolean): KeyLike {
  const parts = keys.split('+');
  const key = parts[parts.length - 1];
  const mod = parts.includes('Mod');
  const shift = parts.includes('Shift') || key === '?';
  return {
    key: shift && key.length === 1 ? key.toUpperCase() : key,
    ctrlKey: mod && !mac,
    metaKey: mod && mac,
    shiftKey: shift,
    altKey: false,
  };
}

describe('the keymap', () => {
  for (const mac of [false, true])
    it(`maps every binding's keys to its command (${mac ? 'macOS' : 'Windows and Linux'})`, () => {
      for (const binding of KEYMAP)
        for (const keys of keysOn(binding, mac))
          expect(commandForKey(press(keys, mac), mac, ALL), keys).toBe(binding.command);
    });

  it('asks for exact modifiers: the platform’s Mod, Shift as written, never Alt', () => {
    const key = (k: string, mods: Partial<KeyLike>) => ({
      key: k,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      altKey: false,
      ...mods,
    });
    expect(commandForKey(key('s', { ctrlKey: true }), true, FILE_COMMANDS)).toBeUndefined();
    expect(commandForKey(key('s', { metaKey: true }), false, FILE_COMMANDS)).toBeUndefined();
    expect(commandForKey(key('s', { ctrlKey: true, metaKey: true }), false, FILE_COMMANDS)).toBeUndefined();
    expect(commandForKey(key('z', { ctrlKey: true, altKey: true }), false, EDITOR_COMMANDS)).toBeUndefined();
    expect(commandForKey(key('o', { ctrlKey: true, shiftKey: true }), false, FILE_COMMANDS)).toBeUndefined();
    expect(commandForKey(key('Z', { ctrlKey: true, shiftKey: true }), false, EDITOR_COMMANDS)).toBe('redo');
    expect(commandForKey(key('y', { metaKey: true }), true, EDITOR_COMMANDS)).toBeUndefined();
    expect(commandForKey(key('f', {}), false, EDITOR_COMMANDS)).toBe('fitView');
    expect(commandForKey(key('f', { ctrlKey: true }), false, EDITOR_COMMANDS)).toBeUndefined();
    // Only the commands asked for: the editor never takes a file shortcut.
    expect(commandForKey(key('s', { ctrlKey: true }), false, EDITOR_COMMANDS)).toBeUndefined();
  });

  it('gives menus Electron accelerators of the first keys', () => {
    expect(acceleratorFor('saveAs')).toBe('CmdOrCtrl+Shift+S');
    expect(acceleratorFor('redo')).toBe('CmdOrCtrl+Shift+Z');
    expect(acceleratorFor('help')).toBe('CmdOrCtrl+/');
  });
});
