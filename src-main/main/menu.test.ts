/** The menu template: the items, with recent files and commands wired to the renderer. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../src-shared/files-protocol';
import { KEYMAP } from '../../src-shared/keymap';
import { buildMenuTemplate } from './menu';

function build(
  platform: NodeJS.Platform,
  recent = [{ path: '/d/a.backflow.json', fileName: 'a.backflow.json' }],
) {
  const sent: MenuCommand[] = [];
  const template = buildMenuTemplate({
    platform,
    recent,
    theme: 'dark',
    send: (c) => void sent.push(c),
    clearRecent: () => {},
    setTheme: () => {},
    showAbout: () => {},
  });
  const menu = (label: string) =>
    (template.find((m) => m.label === label)?.submenu ?? []) as MenuItemConstructorOptions[];
  const item = (menuLabel: string, label: string) => menu(menuLabel).find((i) => i.label === label);
  const click = (i: MenuItemConstructorOptions | undefined) => (i?.click as () => void)();
  return { template, sent, menu, item, click };
}

describe('menu', () => {
  it('has File, Edit, View and Help with the issue’s items', () => {
    const { menu } = build('linux');
    const labels = (name: string) => menu(name).map((i) => i.label ?? i.role ?? i.type);
    expect(labels('&File')).toEqual(
      expect.arrayContaining(['New', 'Open…', 'Open Recent', 'Save', 'Save As…', 'Export…', 'Import…']),
    );
    expect(labels('&Edit')).toEqual(
      expect.arrayContaining(['Undo', 'Redo', 'cut', 'copy', 'paste', 'Select All']),
    );
    expect(labels('&View')).toEqual(
      expect.arrayContaining(['zoomIn', 'Fit Network in View', 'Theme', 'toggleDevTools']),
    );
    expect(labels('&Help')).toEqual(['Keyboard Shortcuts', 'About Backflow']);
  });

  it('sends file commands and recent files to the renderer', () => {
    const { item, click, sent } = build('linux');
    click(item('&File', 'Save As…'));
    const recent = item('&File', 'Open Recent')?.submenu as MenuItemConstructorOptions[];
    click(recent[0]);
    expect(sent).toEqual([{ type: 'saveAs' }, { type: 'openPath', path: '/d/a.backflow.json' }]);
    expect(item('&File', 'Save')?.accelerator).toBe('CmdOrCtrl+S');
  });

  it('takes every accelerator from the one keymap, which the page also handles', () => {
    const { template } = build('linux');
    const items = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
      list.flatMap((i) => [i, ...items(Array.isArray(i.submenu) ? i.submenu : [])]);
    const accelerators = items(template).flatMap((i) => (i.accelerator ? [String(i.accelerator)] : []));
    const keymap = new Set(KEYMAP.map((b) => b.keys[0].replace('Mod', 'CmdOrCtrl')));
    expect(accelerators.length).toBeGreaterThanOrEqual(10);
    for (const accelerator of accelerators) expect(keymap, accelerator).toContain(accelerator);
  });

  it('shows an empty recent list as disabled, and adds the app menu on macOS', () => {
    const { item } = build('linux', []);
    const recent = item('&File', 'Open Recent')?.submenu as MenuItemConstructorOptions[];
    expect(recent[0]).toMatchObject({ label: 'No recent files', enabled: false });
    expect(build('darwin').template[0]).toEqual({ role: 'appMenu' });
  });
});
