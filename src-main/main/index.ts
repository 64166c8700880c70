/**
 * The Electron main process: one secure window, the engine in a worker thread
 * it owns, the open document's file (dialogs, atomic saves, recent files,
 * autosave and recovery), the native menu, and IPC that validates every
 * request before anything acts on it.
 */
import {
  app,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  session,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FILES_DROPPED_CHANNEL,
  MENU_COMMAND_CHANNEL,
  type MenuCommand,
} from '../../src-shared/files-protocol';
import { createAutosave } from './autosave';
import { createFileDialogs } from './dialogs';
import { sweepStaleTempDirs } from '../engine/transfer/temp-dir';
import { createEngineBridge } from './engine-bridge';
import { noChromiumGpu, webGpuSwitches } from './gpu-feature';
import { createGpuWindowHost } from './gpu-window-host';
import { createFileService, type FileService } from './file-service';
import { sweepOrphanedTemporaries } from './files';
import { createFilesIpc } from './files-ipc';
import { buildMenuTemplate, type ThemeSource } from './menu';
import { designPathsFromArgv } from './open-args';
import { loadRecentFiles } from './recent';
import { createWindow } from './window';

/** The bundle's folder (out/main): the main process is an ES module, without __dirname. */
const here = dirname(fileURLToPath(import.meta.url));

/** Strict Content-Security-Policy: nothing remote, no eval, no plugins. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Files to open that arrived before the window was ready (argv, macOS open-file). */
const early: string[] = [];
let files: FileService | undefined;
const openFromOutside = (path: string) => (files ? files.requestOpen(path) : early.push(path));

// macOS delivers double-clicked files through this event, possibly before ready.
app.on('open-file', (event, path) => {
  event.preventDefault();
  openFromOutside(path);
});

app.enableSandbox();
// Before ready, as command-line switches must be (gpu-feature.ts says why these are opt-in).
for (const [name, value] of webGpuSwitches(process.platform, process.env))
  app.commandLine.appendSwitch(name, value);
if (!app.requestSingleInstanceLock()) app.quit();
else {
  designPathsFromArgv(process.argv, process.cwd()).slice(0, 1).forEach(openFromOutside);
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const window = createWindow({ bundleDir: here });
  const isTrustedSender = (event: IpcMainEvent | IpcMainInvokeEvent) =>
    event.sender === window.webContents &&
    event.senderFrame !== null &&
    event.senderFrame.parent === null &&
    event.senderFrame.url === window.webContents.getURL();
  const send = (command: MenuCommand) => {
    if (!window.isDestroyed()) window.webContents.send(MENU_COMMAND_CHANNEL, command);
  };

  const userData = app.getPath('userData');
  // Saves cut short by a kill leave their temporary files; the ones in the design's folder go when it is opened.
  void sweepOrphanedTemporaries(userData, ['autosave.json', 'recent-files.json']);
  // Import folders of engines that were killed (the engine removes its own when it ends normally).
  void sweepStaleTempDirs();
  let theme: ThemeSource = 'system';
  // The callback runs only on later changes, once rebuildMenu (below) exists.
  const recent = await loadRecentFiles(join(userData, 'recent-files.json'), (list) => {
    if (list.length === 0) app.clearRecentDocuments();
    else app.addRecentDocument(list[0].path);
    rebuildMenu();
    send({ type: 'recentChanged' });
  });
  const rebuildMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          recent: recent.list(),
          theme,
          send,
          clearRecent: () => void recent.clear(),
          setTheme: (next) => {
            theme = next;
            nativeTheme.themeSource = next;
            rebuildMenu();
          },
          showAbout: () =>
            void dialog.showMessageBox(window, {
              message: `Backflow ${app.getVersion()}`,
              detail: 'Build deep networks visually and watch their gradients flow back through them.',
            }),
        }),
      ),
    );
  rebuildMenu();

  const service = createFileService({
    dialogs: createFileDialogs(window),
    recent,
    autosave: createAutosave(join(userData, 'autosave.json')),
    send,
    closeWindow: () => window.close(),
    // The shipped examples may be opened from the installed app; their runs must not go inside it.
    appFolders: app.isPackaged ? [process.resourcesPath] : [],
    onDocumentChange: ({ title, dirty, path }) => {
      if (window.isDestroyed()) return;
      window.setTitle(title);
      if (process.platform === 'darwin') {
        window.setDocumentEdited(dirty);
        window.setRepresentedFilename(path ?? '');
      }
    },
  });
  files = service;
  createFilesIpc({ service, isTrustedSender }).attach(ipcMain, FILES_DROPPED_CHANNEL);
  early.splice(0).forEach((path) => service.requestOpen(path));

  window.on('close', (event) => {
    if (!service.allowClose()) event.preventDefault();
  });
  window.webContents.on('render-process-gone', () => {
    // The page is gone, its autosave is kept: reloading offers the work back.
    service.rendererGone();
    if (!window.isDestroyed()) window.webContents.reload();
  });

  const bridge = createEngineBridge({
    workerUrl: new URL('./engine-worker.js', import.meta.url),
    isTrustedSender,
    send: (channel, payload) => {
      if (!window.isDestroyed()) window.webContents.send(channel, payload);
    },
    designDir: () => (service.currentPath ? dirname(service.currentPath) : null),
    // Runs on the GPU train on Chromium's WebGPU in a hidden window (engine-router.ts says why).
    createGpuHost: () => createGpuWindowHost({ bundleDir: here }),
    noGpu: () => noChromiumGpu(app.getGPUFeatureStatus() as unknown as Record<string, string>),
  });
  bridge.attach(ipcMain);
  // The hidden GPU engine window would keep the app running once the user closed this one.
  window.on('closed', () => void bridge.dispose());

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window.isMinimized()) window.restore();
    window.focus();
    designPathsFromArgv(argv, workingDirectory).slice(0, 1).forEach(openFromOutside);
  });
  app.on('window-all-closed', () => {
    void Promise.all([service.closed(), bridge.dispose()]).then(() => app.quit());
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
