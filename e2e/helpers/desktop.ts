/**
 * Launching the built desktop app for a spec: `out/main/index.js` under Node
 * with the Electron double (e2e/electron-double), its window a Chromium page
 * the spec drives over DevTools. Dialogs are answered from queues the spec
 * fills (`answer`), as a user choosing a file would; a dialog nobody
 * expected is answered "canceled" and recorded, and fails the spec.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { DialogMethod, DoubleMessage, DoubleState, SpecMessage } from '../electron-double/control';

export const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

export interface LaunchOptions {
  userData: string;
  /** Command-line arguments after the app (a design to open). */
  args?: string[];
  /** The app's folder: the repository (default), or a packaged layout's `resources/app.asar`. */
  appDir?: string;
  /** For a packaged layout: its `resources` folder (sets `app.isPackaged` and `process.resourcesPath`). */
  resources?: string;
  cwd?: string;
  /** Extra environment variables for main. */
  env?: Record<string, string>;
}

export interface AskedDialog {
  method: DialogMethod;
  options: unknown;
}

export interface DesktopApp {
  page: Page;
  process: ChildProcess;
  /** Queues the answer to the next call of a native dialog. */
  answer(method: DialogMethod, value: unknown): Promise<void>;
  /** Dialogs that came with no answer queued (answered as canceled). */
  unexpectedDialogs(): Promise<AskedDialog[]>;
  /** Every dialog asked, in order, with its options. */
  dialogs(): Promise<AskedDialog[]>;
  menu(...path: string[]): Promise<void>;
  state(): Promise<DoubleState>;
  crashEngine(): Promise<number>;
  /** Resolves with the exit code when main exits. */
  exited: Promise<number | null>;
  /** Everything main printed (stdout and stderr). */
  output(): string;
  kill(): Promise<void>;
}

const CANCELED: Record<DialogMethod, unknown> = {
  showOpenDialog: { canceled: true, filePaths: [] },
  showSaveDialog: { canceled: true, filePath: '' },
  showMessageBox: { response: -1, checkboxChecked: false },
};

/** Starts the app; resolves once its window has loaded. A second instance never opens a window: use `launchSecond`. */
export async function launchDesktop(options: LaunchOptions): Promise<DesktopApp> {
  const child = startMain(options);
  const { handle, waitForWindow } = wire(child);
  const { cdpUrl, url } = await waitForWindow;
  const browser = await connect(cdpUrl);
  const page = await findPage(browser, url);
  const kill = handle.kill;
  // Disconnect first: Playwright must not look for pages in a browser that dies with main.
  handle.kill = async () => {
    await browser.close().catch(() => {});
    await kill();
  };
  child.once('exit', () => void browser.close().catch(() => {}));
  return { ...handle, page };
}

/**
 * Attaches over CDP. Attaching lists every context, and one that closes meanwhile (main's
 * hidden GPU window, opened and closed at start) fails the attach: then it is tried again.
 */
async function connect(cdpUrl: string, attempts = 3): Promise<Browser> {
  try {
    return await chromium.connectOverCDP(cdpUrl);
  } catch (error) {
    if (attempts <= 1 || !/has been closed/.test(String(error))) throw error;
    return connect(cdpUrl, attempts - 1);
  }
}

/** A second launch while one runs: it hands its arguments to the first and exits. */
export async function launchSecond(options: LaunchOptions): Promise<{ code: number | null; output: string }> {
  const child = startMain(options);
  const { handle, waitForWindow } = wire(child);
  // It opens no window; that it exits is the point.
  waitForWindow.catch(() => {});
  return { code: await handle.exited, output: handle.output() };
}

function startMain(options: LaunchOptions): ChildProcess {
  const appDir = options.appDir ?? ROOT;
  const register = pathToFileURL(join(ROOT, 'e2e/electron-double/register.mjs')).href;
  return spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(require.resolve('tsx/esm')).href,
      '--import',
      register,
      join(appDir, 'out/main/index.js'),
      `--user-data-dir=${options.userData}`,
      ...(options.args ?? []),
    ],
    {
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        ...(options.resources ? { BACKFLOW_DOUBLE_RESOURCES: options.resources } : {}),
        ...options.env,
      },
    },
  );
}

function wire(child: ChildProcess) {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const queues = new Map<DialogMethod, unknown[]>();
  const unexpectedDialogs: AskedDialog[] = [];
  const dialogs: AskedDialog[] = [];
  const replies = new Map<number, (message: Extract<DoubleMessage, { type: 'reply' }>) => void>();
  let nextId = 1;
  let windowReady: (value: { cdpUrl: string; url: string }) => void = () => {};
  const waitForWindow = new Promise<{ cdpUrl: string; url: string }>((resolveWindow, reject) => {
    windowReady = resolveWindow;
    void exited.then((code) =>
      reject(new Error(`main exited (code ${code}) before a window opened:\n${output}`)),
    );
  });
  const send = (message: SpecMessage) => child.send(message);

  child.on('message', (message: DoubleMessage) => {
    if (message.type === 'window') windowReady(message);
    else if (message.type === 'reply') replies.get(message.id)?.(message);
    else if (message.type === 'dialog') {
      dialogs.push({ method: message.method, options: message.options });
      const queued = queues.get(message.method)?.shift();
      if (queued === undefined) unexpectedDialogs.push({ method: message.method, options: message.options });
      send({ type: 'dialog.reply', id: message.id, value: queued ?? CANCELED[message.method] });
    }
  });

  type Request = SpecMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;
  const request = <T>(message: Request): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolveReply, reject) => {
      replies.set(id, (reply) =>
        reply.ok ? resolveReply(reply.value as T) : reject(new Error(reply.message)),
      );
      send({ ...message, id } as SpecMessage);
    });
  };

  const handle: Omit<DesktopApp, 'page'> = {
    process: child,
    async answer(method, value) {
      if (!queues.has(method)) queues.set(method, []);
      queues.get(method)!.push(value);
    },
    unexpectedDialogs: async () => unexpectedDialogs,
    dialogs: async () => dialogs,
    menu: (...path) => request({ type: 'menu.click', path }),
    state: () => request({ type: 'state' }),
    crashEngine: () => request({ type: 'engine.crash' }),
    exited,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return { handle, waitForWindow };
}

async function findPage(browser: Browser, url: string): Promise<Page> {
  // A loaded machine can take seconds to list a new target over DevTools.
  for (let tries = 0; tries < 400; tries++) {
    const page = browser
      .contexts()
      .flatMap((context) => context.pages())
      .find((candidate) => candidate.url() === url);
    if (page) return page;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no page at ${url}`);
}
