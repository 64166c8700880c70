/**
 * A test double of the `electron` module for the main process, so the built
 * `out/main/index.js` runs under plain Node where Electron's binary cannot be
 * downloaded. Windows are Debian Chromium pages (Playwright) that load the
 * built renderer from file:// with the built preload run in front of it
 * (renderer-init.ts); IPC is relayed between the page and this process.
 *
 * What it is: enough of app, BrowserWindow, webContents, ipcMain, dialog,
 * Menu, nativeTheme and session for main's real code to run unchanged, with
 * the same call shapes and event orders main relies on. Every object is
 * strict: touching an API it does not implement throws (and is recorded), so
 * a new Electron call in main cannot pass silently.
 *
 * What it is not: Electron. No context isolation or process sandbox (the
 * preload shares the page's world), no CSP from response headers (file://
 * has none; the page's own meta CSP applies, and the header policy main sets
 * is reported for assertions), no native menus or accelerators (the spec
 * clicks items by label), no asar archive (a packaged layout is a folder).
 *
 * Loaded through register.mjs: `node --import tsx/esm --import
 * ./e2e/electron-double/register.mjs out/main/index.js [--user-data-dir=D] [file]`.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import type { DialogMethod, DoubleMessage, DoubleState, SpecMessage } from './control';
import { rendererInitScript } from './renderer-init';
import { singleInstanceLock } from './single-instance';
import { trackWorkers } from './workers';
import { fromPage, MessageChannelMain, transferToPage, type MessagePortMain } from './message-ports';

export { MessageChannelMain };

/**
 * ELECTRON_DOUBLE_WEBGPU=1: Chromium with its WebGPU on SwiftShader, as a machine with a GPU
 * would have it, so main opens its GPU engine window. Otherwise the GPU is off (--disable-gpu)
 * and getGPUFeatureStatus says so, and main opens none.
 */
const webGpu = process.env.ELECTRON_DOUBLE_WEBGPU === '1';

const refused: string[] = [];
/** Wraps `target` so that reading a member it lacks throws, naming it, instead of yielding undefined. */
function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'symbol' || key in object) return Reflect.get(object, key, receiver);
      refused.push(`${name}.${key}`);
      throw new Error(`electron double: ${name}.${key} is not implemented (add it to e2e/electron-double)`);
    },
  });
}

// ---- the spec on the other end of the IPC channel ----

let nextId = 1;
const pendingDialogs = new Map<number, (value: unknown) => void>();
const toSpec = (message: DoubleMessage) => process.send?.(message);

function askSpec(method: DialogMethod, options: unknown): Promise<unknown> {
  if (!process.send) throw new Error(`electron double: ${method} needs a spec to answer it`);
  const id = nextId++;
  return new Promise((resolve) => {
    pendingDialogs.set(id, resolve);
    toSpec({ type: 'dialog', id, method, options });
  });
}

// A spec that dies (or times out) must not leave an app running: the channel closing ends main.
process.on('disconnect', () => process.exit(1));

process.on('message', (raw: SpecMessage) => {
  if (raw.type === 'dialog.reply') {
    pendingDialogs.get(raw.id)?.(raw.value);
    pendingDialogs.delete(raw.id);
    return;
  }
  void answerSpec(raw).then(
    (value) => toSpec({ type: 'reply', id: raw.id, ok: true, value }),
    (error: Error) => toSpec({ type: 'reply', id: raw.id, ok: false, message: error.message }),
  );
});

async function answerSpec(message: Exclude<SpecMessage, { type: 'dialog.reply' }>): Promise<unknown> {
  switch (message.type) {
    case 'menu.click':
      return clickMenuItem(message.path);
    case 'state':
      return currentState();
    case 'engine.crash':
      return workers.crashAll();
  }
}

// ---- app ----

const args = process.argv.slice(2);
const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const userData = flag('user-data-dir') ?? join(tmpdir(), 'backflow-double-user-data');
const packagedResources = process.env.BACKFLOW_DOUBLE_RESOURCES ?? null;
const appRoot = join(import.meta.dirname, '../..');
let sandboxEnabled = false;
const recentDocuments: string[] = [];
const workers = trackWorkers();

class App extends EventEmitter {
  readonly isPackaged = packagedResources !== null;
  readonly name = 'Backflow';
  private ready = false;
  private readonly readyPromise = new Promise<void>((resolve) =>
    // After the main module has run its top level, as Electron's ready comes after it.
    setTimeout(() => {
      this.ready = true;
      this.emit('ready');
      resolve();
    }, 0),
  );
  private readonly lock = singleInstanceLock(join(userData, 'SingletonDouble'));
  whenReady() {
    return this.readyPromise;
  }
  isReady() {
    return this.ready;
  }
  enableSandbox() {
    sandboxEnabled = true;
  }
  requestSingleInstanceLock() {
    return this.lock.acquire((argv, workingDirectory) =>
      this.emit('second-instance', { preventDefault() {} }, argv, workingDirectory, null),
    );
  }
  getPath(name: string) {
    const paths: Record<string, string> = { userData, temp: tmpdir(), home: homedir() };
    if (!(name in paths)) throw new Error(`electron double: app.getPath('${name}') is not implemented`);
    return paths[name];
  }
  /** As this Chromium reports it (see `webGpu`). */
  getGPUFeatureStatus() {
    return webGpu
      ? { webgpu: 'enabled', gpu_compositing: 'enabled', webgl: 'enabled' }
      : { webgpu: 'unavailable_off', gpu_compositing: 'disabled_software', webgl: 'enabled' };
  }
  getAppPath() {
    return packagedResources ? join(packagedResources, 'app.asar') : appRoot;
  }
  getVersion() {
    return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
  }
  addRecentDocument(path: string) {
    recentDocuments.unshift(path);
  }
  clearRecentDocuments() {
    recentDocuments.length = 0;
  }
  quit() {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    for (const window of BrowserWindow.getAllWindows()) window.destroy();
    void this.lock.release().then(() => process.exit(0));
  }
  exit(code = 0) {
    process.exit(code);
  }
}
export const app = strict('app', new App());
if (packagedResources) Object.assign(process, { resourcesPath: packagedResources });

// ---- windows: Chromium pages ----

/** A port nobody listens on now, for the DevTools endpoint the spec connects to. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let browser: Promise<{ browser: Browser; cdpUrl: string }> | undefined;
function launchBrowser() {
  browser ??= (async () => {
    const port = await freePort();
    const launched = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      // file:// pages may load their own module scripts, as Electron's file protocol allows.
      args: [
        ...(webGpu
          ? [
              ...CHROMIUM_ARGS.filter((arg) => arg !== '--disable-gpu'),
              '--enable-unsafe-webgpu',
              '--use-webgpu-adapter=swiftshader',
            ]
          : CHROMIUM_ARGS),
        '--allow-file-access-from-files',
        `--remote-debugging-port=${port}`,
      ],
    });
    return { browser: launched, cdpUrl: `http://127.0.0.1:${port}` };
  })();
  return browser;
}

interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  [key: string]: unknown;
}
const webPreferencesSeen: WebPreferences[] = [];

class WebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = WebContents.nextId++;
  private url = '';
  private destroyed = false;
  private outbox: [string, unknown[]][] = [];
  private flushing = false;
  constructor(
    readonly page: Promise<Page>,
    private readonly owner: BrowserWindow,
  ) {
    super();
  }
  async loadURL(url: string) {
    const page = await this.page;
    this.url = url;
    await page.goto(url, { waitUntil: 'load' });
    this.emit('did-finish-load');
    this.owner.emit('ready-to-show');
    const { cdpUrl } = await launchBrowser();
    toSpec({ type: 'window', cdpUrl, url });
  }
  getURL() {
    return this.url;
  }
  /** Delivers to the page in order, batched: one evaluate carries everything queued meanwhile. */
  send(channel: string, ...payload: unknown[]) {
    if (this.destroyed) throw new Error('electron double: webContents.send after the window was destroyed');
    this.outbox.push([channel, payload]);
    void this.flush();
  }
  private async flush() {
    if (this.flushing) return;
    this.flushing = true;
    const page = await this.page;
    while (this.outbox.length > 0 && !this.destroyed) {
      const batch = this.outbox.splice(0);
      await page
        .evaluate((messages) => {
          const deliver = (
            window as unknown as { __electronDoubleDeliver?: (c: string, a: unknown[]) => void }
          ).__electronDoubleDeliver;
          for (const [channel, payload] of messages) deliver?.(channel, payload);
        }, batch)
        // A page that is navigating or closing drops what was sent to it, as Electron's does.
        .catch(() => {});
    }
    this.flushing = false;
  }
  /** Electron's: `transfer` ports arrive in the page as `event.ports` of the preload's listener. */
  postMessage(channel: string, message: unknown, transfer: MessagePortMain[] = []) {
    if (this.destroyed)
      throw new Error('electron double: webContents.postMessage after the window was destroyed');
    // The page's ends of the ports exist once this evaluate has run; messages wait for it.
    let created: () => void = () => {};
    const inPage = new Promise<void>((resolve) => (created = resolve));
    const toPage = (id: number, data: unknown) =>
      void Promise.all([this.page, inPage]).then(([page]) =>
        page
          .evaluate(
            ([id, data]) => {
              const relay = window as unknown as {
                __electronDoublePortDeliver?: (i: number, d: unknown) => void;
              };
              relay.__electronDoublePortDeliver?.(id as number, data);
            },
            [id, data] as const,
          )
          .catch(() => {}),
      );
    const ids = transfer.map((port) => transferToPage(port, toPage));
    void this.page.then((page) =>
      page
        .evaluate(
          ([channel, message, ids]) => {
            const relay = window as unknown as {
              __electronDoublePostMessage?: (c: string, m: unknown, i: number[]) => void;
            };
            relay.__electronDoublePostMessage?.(channel as string, message, ids as number[]);
          },
          [channel, message, ids] as const,
        )
        .catch(() => {})
        .finally(created),
    );
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  reload() {
    void this.page.then((page) => page.reload());
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends EventEmitter {
  private static readonly all = new Set<BrowserWindow>();
  private static nextId = 1;
  static getAllWindows() {
    return [...BrowserWindow.all];
  }
  static fromWebContents(contents: WebContents) {
    return BrowserWindow.getAllWindows().find((window) => window.webContents === contents) ?? null;
  }
  readonly id = BrowserWindow.nextId++;
  readonly webContents: WebContents;
  private title: string;
  private destroyed = false;
  private minimized = false;
  private context: Promise<BrowserContext>;
  documentEdited = false;
  representedFilename = '';
  constructor(options: { width?: number; height?: number; title?: string; webPreferences?: WebPreferences }) {
    super();
    const preferences = options.webPreferences ?? {};
    webPreferencesSeen.push({ ...preferences });
    if (!preferences.preload) throw new Error('electron double: a window without a preload is not supported');
    this.title = options.title ?? 'Electron';
    this.context = launchBrowser().then(({ browser: b }) =>
      b.newContext({ viewport: { width: options.width ?? 800, height: options.height ?? 600 } }),
    );
    const page = this.context.then((context) => this.openPage(context, preferences.preload!));
    this.webContents = strict('webContents', new WebContents(page, this));
    // The proxy is what main holds, and what `destroy()` (called on it) removes from the list.
    const window = strict('BrowserWindow', this);
    BrowserWindow.all.add(window);
    return window;
  }
  private async openPage(context: BrowserContext, preload: string): Promise<Page> {
    await context.exposeBinding('__electronDoubleIpc', (source, kind: 'send' | 'invoke', channel, payload) =>
      ipcMain.fromPage(this.webContents, source.frame, kind, channel as string, payload as unknown[]),
    );
    await context.exposeBinding('__electronDoublePort', (_source, id: number, data: unknown) =>
      fromPage(id, data),
    );
    await context.addInitScript({ content: rendererInitScript(readFileSync(preload, 'utf8')) });
    const page = await context.newPage();
    page.on('crash', () => this.webContents.emit('render-process-gone', {}, { reason: 'crashed' }));
    page.on('close', () => this.destroy());
    return page;
  }
  loadFile(path: string) {
    return this.webContents.loadURL(pathToFileURL(path).href);
  }
  loadURL(url: string) {
    return this.webContents.loadURL(url);
  }
  show() {}
  focus() {}
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  setTitle(title: string) {
    this.title = title;
  }
  getTitle() {
    return this.title;
  }
  setDocumentEdited(edited: boolean) {
    this.documentEdited = edited;
  }
  setRepresentedFilename(path: string) {
    this.representedFilename = path;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** As Electron: 'close' may be prevented; otherwise the window is destroyed. */
  close() {
    if (this.destroyed) return;
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroy();
    void this.context.then((context) => context.close()).catch(() => {});
    BrowserWindow.all.delete(this);
    this.emit('closed');
    // Electron quits when the last window closes unless someone listens for this.
    if (BrowserWindow.all.size === 0) {
      if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed');
      else app.quit();
    }
  }
}

// ---- IPC ----

type Frame = { url(): string; parentFrame(): unknown };
class IpcMain extends EventEmitter {
  private readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  /** A message from a page, with the event shape main's sender checks read. */
  async fromPage(
    sender: WebContents,
    frame: Frame,
    kind: 'send' | 'invoke',
    channel: string,
    payload: unknown[],
  ) {
    const parent = frame.parentFrame();
    const event = {
      sender,
      senderFrame: { url: frame.url(), parent: parent ? {} : null },
      returnValue: undefined,
    };
    if (kind === 'send') {
      this.emit(channel, event, ...payload);
      return undefined;
    }
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...payload);
  }
}
export const ipcMain = strict('ipcMain', new IpcMain());

// ---- dialogs, menus, theme, session ----

export const dialog = strict('dialog', {
  showOpenDialog: (_window: unknown, options: unknown) => askSpec('showOpenDialog', options),
  showSaveDialog: (_window: unknown, options: unknown) => askSpec('showSaveDialog', options),
  showMessageBox: (_window: unknown, options: unknown) => askSpec('showMessageBox', options),
});

interface MenuItemOptions {
  label?: string;
  role?: string;
  type?: string;
  enabled?: boolean;
  submenu?: MenuItemOptions[];
  click?: () => void;
}
let applicationMenu: MenuItemOptions[] = [];
export const Menu = strict('Menu', {
  buildFromTemplate: (template: MenuItemOptions[]) => ({ items: template }),
  setApplicationMenu: (menu: { items: MenuItemOptions[] } | null) => {
    applicationMenu = menu?.items ?? [];
  },
});

/** Clicks the item at `path` (labels, `&` mnemonics ignored), as a user choosing it in the menu bar. */
function clickMenuItem(path: string[]): null {
  let items = applicationMenu;
  let found: MenuItemOptions | undefined;
  for (const label of path) {
    found = items.find((item) => item.label?.replace('&', '') === label);
    if (!found) throw new Error(`no menu item "${label}" (path ${path.join(' → ')})`);
    items = found.submenu ?? [];
  }
  if (!found?.click) throw new Error(`menu item ${path.join(' → ')} has no click action`);
  if (found.enabled === false) throw new Error(`menu item ${path.join(' → ')} is disabled`);
  found.click();
  return null;
}

export const nativeTheme = strict('nativeTheme', { themeSource: 'system', shouldUseDarkColors: false });

type HeadersListener = (
  details: { responseHeaders: Record<string, string[]> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
) => void;
let headersListener: HeadersListener | undefined;
export const session = strict('session', {
  defaultSession: strict('session.defaultSession', {
    webRequest: strict('webRequest', {
      onHeadersReceived: (listener: HeadersListener) => void (headersListener = listener),
    }),
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
  }),
});

/** The policy main puts on responses: its onHeadersReceived asked about an empty response. */
function contentSecurityPolicy(): string | null {
  let policy: string | null = null;
  headersListener?.({ responseHeaders: {} }, ({ responseHeaders }) => {
    policy = responseHeaders['Content-Security-Policy']?.join('; ') ?? null;
  });
  return policy;
}

function currentState(): DoubleState {
  return {
    titles: BrowserWindow.getAllWindows().map((window) => window.getTitle()),
    recentDocuments: [...recentDocuments],
    refused: [...refused],
    sandboxEnabled,
    contentSecurityPolicy: contentSecurityPolicy(),
    webPreferences: webPreferencesSeen,
  };
}

export default strict('electron', {
  app,
  BrowserWindow,
  MessageChannelMain,
  ipcMain,
  dialog,
  Menu,
  nativeTheme,
  session,
});
