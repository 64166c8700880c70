/**
 * The one application window, locked down (conventions 14): context
 * isolation, sandbox, no Node in the page, no new windows, no navigation
 * away from the app, no middle-click windows, no permission prompts.
 */
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';

export interface WindowOptions {
  /** out/main, where the bundles sit side by side (preload, renderer). */
  bundleDir: string;
}

export function createWindow({ bundleDir }: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Backflow',
    show: false,
    webPreferences: {
      preload: join(bundleDir, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click on a link would otherwise open a window, bypassing the handler below.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  // The app has no links to follow: every new window is refused.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== window.webContents.getURL()) event.preventDefault();
  });
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // Main owns the title (file name and unsaved mark), not the page.
  window.on('page-title-updated', (event) => event.preventDefault());
  // The dev server's address, in development only: a packaged app must never load a page
  // an environment variable names (it would pass the sender checks and get the file API).
  const devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  if (devServer) void window.loadURL(devServer);
  else void window.loadFile(join(bundleDir, '../renderer/index.html'));
  return window;
}
