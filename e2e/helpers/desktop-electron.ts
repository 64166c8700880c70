/**
 * The same DesktopApp as helpers/desktop.ts, on the real Electron through
 * Playwright's Electron driver, for machines where Electron's binary exists
 * (not these CI machines: see scripts/electron-binary.mjs). Dialogs are
 * answered from queues installed in main's `dialog` module; menu items are
 * clicked through `Menu.getApplicationMenu()`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from '@playwright/test';
import type { DialogMethod } from '../electron-double/control';
import { ROOT, type DesktopApp, type LaunchOptions } from './desktop';

const DIALOGS: DialogMethod[] = ['showOpenDialog', 'showSaveDialog', 'showMessageBox'];

/** Chromium's sandbox refuses to start as root (CI containers). */
const sandboxArgs = () => (process.getuid?.() === 0 ? ['--no-sandbox'] : []);

function mainArgs(options: LaunchOptions): string[] {
  return [
    join(options.appDir ?? ROOT, 'out/main/index.js'),
    `--user-data-dir=${options.userData}`,
    ...sandboxArgs(),
    ...(options.args ?? []),
  ];
}

interface DialogRecord {
  method: DialogMethod;
  options: unknown;
  answered: boolean;
}

export async function launchRealElectron(binary: string, options: LaunchOptions): Promise<DesktopApp> {
  const app: ElectronApplication = await _electron.launch({
    executablePath: binary,
    args: mainArgs(options),
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env } as Record<string, string>,
  });
  await app.evaluate(({ dialog }, methods) => {
    const canceled: Record<string, unknown> = {
      showOpenDialog: { canceled: true, filePaths: [] },
      showSaveDialog: { canceled: true, filePath: '' },
      showMessageBox: { response: -1, checkboxChecked: false },
    };
    const state = { queues: {} as Record<string, unknown[]>, asked: [] as unknown[] };
    (globalThis as Record<string, unknown>).__backflowDialogs = state;
    for (const method of methods) {
      (dialog as unknown as Record<string, unknown>)[method] = async (_window: unknown, options: unknown) => {
        const value = state.queues[method]?.shift();
        state.asked.push({ method, options, answered: value !== undefined });
        return value ?? canceled[method];
      };
    }
  }, DIALOGS);
  const child = app.process();
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const asked = () =>
    app.evaluate(
      () =>
        (globalThis as unknown as { __backflowDialogs: { asked: DialogRecord[] } }).__backflowDialogs.asked,
    );
  return {
    page,
    process: child,
    answer: (method, value) =>
      app.evaluate(
        (_electron, [m, v]) => {
          const state = (
            globalThis as unknown as { __backflowDialogs: { queues: Record<string, unknown[]> } }
          ).__backflowDialogs;
          (state.queues[m as string] ??= []).push(v);
        },
        [method, value] as const,
      ),
    dialogs: async () => (await asked()).map(({ method, options }) => ({ method, options })),
    unexpectedDialogs: async () =>
      (await asked()).filter((d) => !d.answered).map(({ method, options }) => ({ method, options })),
    menu: (...path) =>
      app.evaluate(({ Menu }, labels) => {
        let items = Menu.getApplicationMenu()?.items ?? [];
        let found: Electron.MenuItem | undefined;
        for (const label of labels) {
          found = items.find((item) => item.label.replace('&', '') === label);
          if (!found) throw new Error(`no menu item "${label}"`);
          items = found.submenu?.items ?? [];
        }
        found?.click();
      }, path),
    state: async () => ({
      titles: await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((w) => w.getTitle()),
      ),
      recentDocuments: [],
      refused: [],
      sandboxEnabled: true,
      contentSecurityPolicy: null,
      webPreferences: [],
    }),
    crashEngine: () => Promise.reject(new Error('the real Electron offers no way to end its engine thread')),
    exited,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A second launch of the real Electron: it hands its arguments to the first and exits. */
export async function launchRealElectronSecond(
  binary: string,
  options: LaunchOptions,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(binary, mainArgs(options), {
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, output };
}
