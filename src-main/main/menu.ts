/**
 * The native menu as a template, built from plain data so it is tested
 * without Electron. File and editor commands are sent to the renderer, which
 * owns the document; page zoom, dev tools and the theme stay in main.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../../src-shared/files-protocol';
import { acceleratorFor } from '../../src-shared/keymap';

export type ThemeSource = 'system' | 'light' | 'dark';

export interface MenuOptions {
  platform: NodeJS.Platform;
  recent: readonly RecentFile[];
  theme: ThemeSource;
  send(command: MenuCommand): void;
  clearRecent(): void;
  setTheme(theme: ThemeSource): void;
  showAbout(): void;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const send = (type: Exclude<MenuCommand['type'], 'openPath'>) => () => options.send({ type });
  const recentItems: MenuItemConstructorOptions[] = options.recent.map((file) => ({
    label: file.fileName,
    sublabel: file.path,
    toolTip: file.path,
    click: () => options.send({ type: 'openPath', path: file.path }),
  }));
  const openRecent: MenuItemConstructorOptions[] = [
    ...(recentItems.length ? recentItems : [{ label: 'No recent files', enabled: false }]),
    { type: 'separator' },
    { label: 'Clear Recent', enabled: recentItems.length > 0, click: () => options.clearRecent() },
  ];
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New', accelerator: acceleratorFor('new'), click: send('new') },
      { label: 'Open…', accelerator: acceleratorFor('open'), click: send('open') },
      { label: 'Open Recent', submenu: openRecent },
      { type: 'separator' },
      { label: 'Save', accelerator: acceleratorFor('save'), click: send('save') },
      { label: 'Save As…', accelerator: acceleratorFor('saveAs'), click: send('saveAs') },
      { type: 'separator' },
      { label: 'Export…', accelerator: acceleratorFor('export'), click: send('export') },
      { label: 'Import…', accelerator: acceleratorFor('import'), click: send('import') },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      // The editor's own history, not the page's: the renderer decides (a text field keeps its own undo).
      { label: 'Undo', accelerator: acceleratorFor('undo'), click: send('undo') },
      { label: 'Redo', accelerator: acceleratorFor('redo'), click: send('redo') },
      { type: 'separator' },
      // Cut, copy and paste reach the page as clipboard events, which the editor handles.
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { label: 'Select All', accelerator: acceleratorFor('selectAll'), click: send('selectAll') },
    ],
  };
  const themeItem = (theme: ThemeSource, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: options.theme === theme,
    click: () => options.setTheme(theme),
  });
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { label: 'Fit Network in View', click: send('fitView') },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      {
        label: 'Theme',
        submenu: [
          themeItem('system', 'Match System'),
          themeItem('light', 'Light'),
          themeItem('dark', 'Dark'),
        ],
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      { role: 'toggleDevTools' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'Keyboard Shortcuts', accelerator: acceleratorFor('help'), click: send('help') },
      ...(mac ? [] : [{ label: 'About Backflow', click: () => options.showAbout() }]),
    ],
  };
  return mac
    ? [{ role: 'appMenu' }, file, edit, view, { role: 'windowMenu' }, help]
    : [file, edit, view, help];
}
