/**
 * The desktop app as users get it: the built `out/main/index.js`,
 * `out/preload/index.cjs` and `out/renderer/`, run under Node with the
 * Electron double (e2e/electron-double: what it is and is not is written
 * there), its window a Chromium page driven as a user drives it. Native
 * dialogs answer with the paths a user would pick. Each journey saves
 * screenshots as test artifacts.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { parseDesign, serializeDesign } from '../src-shared/design/index';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { launchDesktop, launchSecond, ROOT, type DesktopApp, type LaunchOptions } from './helpers/desktop';
import { launchRealElectron, launchRealElectronSecond } from './helpers/desktop-electron';
import { layOutPackagedApp } from './helpers/packaged-layout';
import { heatmaps, trainButton, trainingState, waitForRecords } from './helpers/training';

const EXAMPLES = join(ROOT, 'resources/examples');
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

let running: DesktopApp[] = [];
let pageErrors: string[] = [];

/** A fresh folder for the test's files and the app's user data. */
const workspace = () => mkdtempSync(join(tmpdir(), 'backflow-desktop-'));

/** Where the journeys run: the Electron double always; the real Electron where its binary exists. */
interface Target {
  name: string;
  launch(options: LaunchOptions): Promise<DesktopApp>;
  launchSecond(options: LaunchOptions): Promise<{ code: number | null; output: string }>;
  /** Why it cannot run here, or null. */
  unavailable: string | null;
}
const binary = findElectronBinary(ROOT);
const TARGETS: Target[] = [
  { name: 'Electron double', launch: launchDesktop, launchSecond, unavailable: null },
  {
    name: 'Electron',
    launch: (options) => launchRealElectron(binary.ok ? binary.path : '', options),
    launchSecond: (options) => launchRealElectronSecond(binary.ok ? binary.path : '', options),
    unavailable: binary.ok ? null : `${binary.reason}; the same journeys ran on the Electron double`,
  },
];
let target: Target = TARGETS[0];
for (const { name, unavailable } of TARGETS)
  if (unavailable) console.warn(`\n[desktop.spec] ${name}: NOT RUN: ${unavailable}.\n`);

async function start(options: LaunchOptions): Promise<DesktopApp> {
  const app = await target.launch(options);
  running.push(app);
  app.page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(`console: ${m.text()}`)));
  app.page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));
  // The start screen, or the editor when a file was named on the command line.
  await expect(app.page.locator('h1, [data-testid="file-status"]').first()).toBeVisible();
  return app;
}

test.beforeEach(() => {
  test.setTimeout(120_000);
  pageErrors = [];
});
test.afterEach(async () => {
  const problems: string[] = [];
  for (const app of running) {
    try {
      if (app.process.exitCode === null && app.process.signalCode === null) {
        const { refused } = await app.state();
        if (refused.length)
          problems.push(`Electron APIs main used that the double lacks: ${refused.join(', ')}`);
        const unexpected = await app.unexpectedDialogs();
        if (unexpected.length)
          problems.push(`dialogs the journey did not expect: ${JSON.stringify(unexpected)}`);
      }
    } finally {
      await app.kill();
    }
  }
  running = [];
  expect(problems).toEqual([]);
  expect(pageErrors, 'the page logged errors').toEqual([]);
});

async function shot(page: Page, name: string): Promise<void> {
  const testInfo = test.info();
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

const title = async (app: DesktopApp) => (await app.state()).titles[0];

/**
 * A copy of an example in a fresh folder, for a journey that trains it: the
 * desktop app keeps runs beside the design, and the repository's examples
 * folder must not collect them.
 */
function exampleCopy(name: string): string {
  const path = join(workspace(), name);
  copyFileSync(join(EXAMPLES, name), path);
  return path;
}

/** Opens `path` through File → Open… (Ctrl+O) and its native dialog. */
async function openFromDisk(app: DesktopApp, path: string): Promise<void> {
  await app.answer('showOpenDialog', { canceled: false, filePaths: [path] });
  await app.page.keyboard.press(`${MOD}+o`);
  await expect(app.page.getByTestId('file-status')).toHaveText(basename(path));
}

async function showTraining(page: Page): Promise<void> {
  const show = page.getByRole('button', { name: /Show training/ });
  if (await show.isVisible()) await show.click();
}

/** Trains the open design until it finishes. */
async function trainToEnd(page: Page): Promise<void> {
  await showTraining(page);
  await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
  await trainButton(page).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
}

/** Sets the epochs field (an unsaved edit) as a user types it. */
async function setEpochs(page: Page, epochs: number): Promise<void> {
  await showTraining(page);
  const field = page.locator('#set-epochs');
  await field.fill(String(epochs));
  await field.blur();
}

for (const candidate of TARGETS)
  test.describe(candidate.name, () => {
    test.skip(candidate.unavailable !== null, `not run: ${candidate.unavailable}`);
    test.beforeEach(() => {
      target = candidate;
    });

    test('the window is locked down as main asks, and the page can reach only IPC', async () => {
      test.skip(target !== TARGETS[0], "it inspects main's window options and the double's record of them");
      const app = await start({ userData: join(workspace(), 'user-data') });
      const state = await app.state();
      expect(state.sandboxEnabled).toBe(true);
      expect(state.webPreferences[0]).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      });
      expect(state.contentSecurityPolicy).not.toMatch(/ws:/);
      const meta = await app.page
        .locator('meta[http-equiv="Content-Security-Policy"]')
        .getAttribute('content');
      expect(meta, 'the desktop page talks IPC: no socket may be opened').not.toMatch(/ws:/);
      // The preload's bridge is the only way out, and the page cannot change it.
      const bridge = await app.page.evaluate(() => {
        const api = (window as unknown as { backflow: Record<string, unknown> }).backflow;
        return { keys: Object.keys(api).sort(), frozen: Object.isFrozen(api) };
      });
      expect(bridge).toEqual({ keys: ['engine', 'files', 'menu', 'platform'], frozen: true });
    });

    test('open an example from disk, train it, watch the heatmap, pause, resume, stop', async () => {
      const app = await start({ userData: join(workspace(), 'user-data') });
      const { page } = app;
      await openFromDisk(app, exampleCopy('deep-sigmoid.backflow.json'));
      expect(await title(app)).toBe('deep-sigmoid.backflow.json — Backflow');
      await expect(page.locator('.svelte-flow__node')).toHaveCount(12);
      await setEpochs(page, 2000);
      await expect.poll(() => title(app)).toBe('• deep-sigmoid.backflow.json — Backflow');

      await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
      await trainButton(page).click();
      await waitForRecords(page, 5);
      await expect(heatmaps(page).first().getByTestId('heatmap-canvas')).toBeVisible();
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'paused');
      await shot(page, 'desktop-training-paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'running');
      await page.getByRole('button', { name: /Stop$/ }).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
    });

    test('Save writes the file atomically and it reopens byte-identical; Save As; unsaved changes are asked about', async () => {
      const folder = workspace();
      const file = join(folder, 'mine.backflow.json');
      copyFileSync(join(EXAMPLES, 'remedy-relu.backflow.json'), file);
      const app = await start({ userData: join(folder, 'user-data'), args: [file] });
      const { page } = app;
      await expect(page.getByTestId('file-status')).toHaveText('mine.backflow.json');

      await setEpochs(page, 33);
      await expect(page.getByTestId('file-status')).toContainText('unsaved changes');
      await page.keyboard.press(`${MOD}+s`);
      await expect(page.getByTestId('file-status')).toHaveText('mine.backflow.json');
      const saved = readFileSync(file, 'utf8');
      const parsed = parseDesign(saved);
      expect(parsed.ok && parsed.design.training.epochs).toBe(33);
      expect(parsed.ok && serializeDesign(parsed.design)).toBe(saved);
      expect(readdirSync(folder).sort(), 'an atomic save leaves no temporary file').toEqual([
        'mine.backflow.json',
        'user-data',
      ]);

      // Save As… from the menu: a new file, and the window follows it.
      const copy = join(folder, 'copy.backflow.json');
      await app.answer('showSaveDialog', { canceled: false, filePath: copy });
      await app.menu('File', 'Save As…');
      await expect(page.getByTestId('file-status')).toHaveText('copy.backflow.json');
      expect(readFileSync(copy, 'utf8')).toBe(saved);
      await expect.poll(() => title(app)).toBe('copy.backflow.json — Backflow');

      // Unsaved changes: Cancel keeps them; Don't Save opens the other file.
      await setEpochs(page, 44);
      await app.answer('showMessageBox', { response: 2, checkboxChecked: false });
      await page.keyboard.press(`${MOD}+o`);
      await expect.poll(async () => (await app.dialogs()).map((d) => d.method)).toContain('showMessageBox');
      expect(JSON.stringify((await app.dialogs()).at(-1)?.options)).toContain(
        'Save the changes to copy.backflow.json?',
      );
      await expect(page.getByTestId('file-status')).toContainText('unsaved changes');
      await shot(page, 'desktop-unsaved-kept');
      await app.answer('showMessageBox', { response: 1, checkboxChecked: false });
      await openFromDisk(app, file);
      expect(readFileSync(copy, 'utf8'), 'discarded changes are not written').toBe(saved);
      await app.kill();

      // Reopened from the command line: identical, and saving again writes the same bytes.
      const again = await start({ userData: join(folder, 'user-data'), args: [file] });
      await expect(again.page.getByTestId('file-status')).toHaveText('mine.backflow.json');
      await again.page.keyboard.press(`${MOD}+s`);
      await expect(again.page.getByText('Saved mine.backflow.json')).toBeVisible();
      expect(readFileSync(file, 'utf8')).toBe(saved);
    });

    test('unsaved work survives kill -9 of the main process and is offered back on the next start', async () => {
      const folder = workspace();
      const userData = join(folder, 'user-data');
      const app = await start({ userData });
      await openFromDisk(app, join(EXAMPLES, 'remedy-he-init.backflow.json'));
      await setEpochs(app.page, 77);
      // The page sends unsaved work every 5 s; main writes it atomically.
      await expect.poll(() => existsSync(join(userData, 'autosave.json')), { timeout: 15_000 }).toBe(true);
      await app.kill();

      const next = await start({ userData });
      const banner = next.page.getByTestId('recovery');
      await expect(banner).toBeVisible();
      await shot(next.page, 'desktop-recovery-offered');
      await banner.getByRole('button', { name: 'Restore' }).click();
      await showTraining(next.page);
      await expect(next.page.locator('#set-epochs')).toHaveValue('77');
      expect(await title(next)).toBe('• remedy-he-init.backflow.json — Backflow');
    });

    test('a design whose data is a CSV file beside it trains', async () => {
      const folder = workspace();
      cpSync(join(ROOT, 'e2e/fixtures/iris-csv'), join(folder, 'iris'), { recursive: true });
      const file = join(folder, 'iris/iris-from-csv.backflow.json');
      const app = await start({ userData: join(folder, 'user-data'), args: [file] });
      const { page } = app;
      await expect(page.getByTestId('file-status')).toHaveText('iris-from-csv.backflow.json');
      await showTraining(page);
      await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
      await trainButton(page).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
      await waitForRecords(page, 5);
      await expect(page.getByText(/CSV file.*was not found|does not exist/)).toHaveCount(0);
      await shot(page, 'desktop-csv-trained');
    });

    test('a CSV file picked for an unsaved design trains (its bytes go through IPC to the engine)', async () => {
      const folder = workspace();
      const app = await start({ userData: join(folder, 'user-data') });
      const { page } = app;
      await page
        .getByRole('button', { name: 'Open example: Remedy: three sigmoid layers instead of ten' })
        .click();
      await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
      const choosing = page.waitForEvent('filechooser');
      await page.locator('#set-dataset').selectOption({ label: 'Your CSV file…' });
      await (await choosing).setFiles(join(ROOT, 'e2e/fixtures/iris-csv/data/iris.csv'));
      const dialog = page.getByTestId('csv-dialog');
      await expect(dialog.getByRole('radio', { name: /species/ })).toBeChecked();
      await dialog.getByRole('button', { name: 'Use iris.csv' }).click();
      await expect(page.locator('#set-target')).toHaveValue('species');
      await trainButton(page).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
      await expect(page.getByTestId('run-error')).toHaveCount(0);
      await shot(page, 'desktop-csv-picked-trained');
    });

    test('Export to a folder, then Import from it: the model comes back with its weights', async () => {
      const folder = workspace();
      const exported = join(folder, 'exported');
      mkdirSync(exported);
      const app = await start({ userData: join(folder, 'user-data') });
      const { page } = app;
      await openFromDisk(app, join(EXAMPLES, 'remedy-fewer-layers.backflow.json'));
      await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });

      await app.answer('showOpenDialog', { canceled: false, filePaths: [exported] });
      await page.keyboard.press(`${MOD}+e`);
      const dialog = page.getByRole('dialog', { name: /^Export/ });
      await dialog.getByRole('radio', { name: /^TensorFlow\.js/ }).check();
      await dialog.getByRole('button', { name: 'Export', exact: true }).click();
      await expect(dialog).toBeHidden();
      await expect.poll(() => readdirSync(exported).sort()).toContain('model.json');
      expect(readdirSync(exported).some((name) => name.endsWith('.bin'))).toBe(true);

      await app.answer('showOpenDialog', { canceled: false, filePaths: [join(exported, 'model.json')] });
      await page.keyboard.press(`${MOD}+i`);
      await expect(page.getByTestId('pretrained-badge')).toContainText('Pretrained weights');
      const design = parseDesign(readFileSync(join(EXAMPLES, 'remedy-fewer-layers.backflow.json'), 'utf8'));
      const ids = design.ok ? design.design.graph.nodes.map((n) => n.id) : [];
      const shown = await page
        .locator('.svelte-flow__node')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
      expect(shown.sort()).toEqual([...ids].sort());
      await shot(page, 'desktop-imported');
    });

    test('runs are kept beside the design: train, close, reopen, compare with a new run, rename, delete; the files follow', async () => {
      test.setTimeout(240_000);
      const folder = workspace();
      const file = join(folder, 'deep.backflow.json');
      const runsDir = join(folder, 'deep.runs');
      copyFileSync(join(EXAMPLES, 'deep-sigmoid.backflow.json'), file);
      const userData = join(folder, 'user-data');
      const app = await start({ userData, args: [file] });
      await expect(app.page.getByTestId('file-status')).toHaveText('deep.backflow.json');
      await trainToEnd(app.page);
      // The run file, its summary and its trained weights, beside the design.
      await expect.poll(() => (existsSync(runsDir) ? readdirSync(runsDir).length : 0)).toBe(3);
      const [firstId] = readdirSync(runsDir)
        .filter((n) => n.endsWith('.jsonl'))
        .map((n) => n.slice(0, -'.jsonl'.length));
      expect(readdirSync(runsDir).sort()).toEqual(
        [`${firstId}.json`, `${firstId}.jsonl`, `${firstId}.weights.safetensors`].sort(),
      );
      const summary = JSON.parse(readFileSync(join(runsDir, `${firstId}.json`), 'utf8'));
      expect(summary).toMatchObject({ id: firstId, name: 'Run 1 · Deep sigmoid MLP', state: 'finished' });
      expect(summary.designText, 'the summary is small: no design, no telemetry').toBeUndefined();
      const runLines = readFileSync(join(runsDir, `${firstId}.jsonl`), 'utf8')
        .trim()
        .split('\n');
      expect(JSON.parse(runLines[0])).toMatchObject({ type: 'run', designFile: 'deep.backflow.json' });
      expect(runLines.some((line) => line.startsWith('{"type":"step"'))).toBe(true);
      await app.kill();

      // Reopened in a new session: the past run is listed as this design's, with its weights.
      const again = await start({ userData, args: [file] });
      const { page } = again;
      await expect(page.getByTestId('file-status')).toHaveText('deep.backflow.json');
      await showTraining(page);
      await page.getByRole('button', { name: 'Runs (1)' }).click();
      const runRows = page.getByTestId('run-row');
      await expect(runRows).toHaveCount(1);
      await expect(runRows.first()).toContainText('Run 1 · Deep sigmoid MLP');
      await expect(runRows.first()).toContainText('this design');
      await expect(page.getByRole('button', { name: 'Export Run 1 · Deep sigmoid MLP' })).toBeEnabled();

      // A new run with fewer epochs, compared with the past one on one colour scale.
      await setEpochs(page, 10);
      await page.keyboard.press(`${MOD}+s`);
      await expect(page.getByTestId('file-status')).toHaveText('deep.backflow.json');
      await trainToEnd(page);
      await page.getByRole('button', { name: 'Runs (2)' }).click();
      await expect(runRows).toHaveCount(2);
      await expect.poll(() => readdirSync(runsDir).length).toBe(6);
      for (const name of await runRows.locator('strong').allTextContents())
        await page.getByRole('checkbox', { name: `Compare ${name}` }).check();
      await expect(page.getByTestId('compare-heatmap')).toHaveCount(2);
      await expect(page.getByTestId('compare-scale')).toContainText('one scale for all 2 runs');
      const splitter = page.getByTestId('dock-splitter');
      for (let i = 0; i < 4; i++) await splitter.press('Shift+ArrowUp');
      await shot(page, 'desktop-runs-compared');

      // Renamed: the summary and the run file on disk say so.
      await page.getByRole('button', { name: 'Rename Run 1 · Deep sigmoid MLP' }).click();
      const input = page.getByRole('textbox', { name: /New name for Run 1/ });
      await input.fill('twenty epochs');
      await input.press('Enter');
      await expect
        .poll(() => JSON.parse(readFileSync(join(runsDir, `${firstId}.json`), 'utf8')).name)
        .toBe('twenty epochs');

      // Deleted: its three files go, the new run's stay.
      await page.getByRole('button', { name: 'Delete twenty epochs' }).click();
      await expect(runRows).toHaveCount(1);
      await expect.poll(() => readdirSync(runsDir).filter((n) => n.startsWith(`${firstId}.`))).toEqual([]);
      expect(readdirSync(runsDir)).toHaveLength(3);
      await shot(page, 'desktop-runs-after-delete');
    });

    test('a run of an untitled design is kept for the session, then beside the design once it is saved', async () => {
      const folder = workspace();
      const app = await start({ userData: join(folder, 'user-data') });
      const { page } = app;
      await page.getByRole('button', { name: 'Open example: Deep sigmoid MLP', exact: true }).click();
      await trainToEnd(page);
      await page.getByRole('button', { name: 'Runs (1)' }).click();
      await expect(page.getByTestId('runs-unkept')).toContainText(
        'One run is kept for this session only: save the design to keep its runs beside it.',
      );
      await shot(page, 'desktop-runs-unsaved-design');
      const file = join(folder, 'mine.backflow.json');
      await app.answer('showSaveDialog', { canceled: false, filePath: file });
      await page.keyboard.press(`${MOD}+s`);
      await expect(page.getByTestId('file-status')).toHaveText('mine.backflow.json');
      await expect
        .poll(() =>
          existsSync(join(folder, 'mine.runs')) ? readdirSync(join(folder, 'mine.runs')).length : 0,
        )
        .toBe(3);
      await expect(page.getByTestId('runs-unkept')).toHaveCount(0);
    });

    test('an engine worker that crashes is reported, restarted on request, and the design is kept', async () => {
      test.skip(target !== TARGETS[0], "ending the engine's thread from outside needs the double");
      const app = await start({ userData: join(workspace(), 'user-data') });
      const { page } = app;
      await openFromDisk(app, exampleCopy('deep-sigmoid.backflow.json'));
      await setEpochs(page, 2000);
      await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
      await trainButton(page).click();
      await waitForRecords(page, 3);

      expect(await app.crashEngine()).toBeGreaterThanOrEqual(1);
      const alert = page.getByTestId('engine-down');
      await expect(alert).toContainText('Your design is safe');
      await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
      await shot(page, 'desktop-engine-crashed');
      await alert.getByRole('button', { name: 'Restart engine' }).click();
      await expect(trainButton(page)).toBeEnabled();
      await trainButton(page).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
      await page.getByRole('button', { name: /Stop$/ }).click();
      await expect(page.locator('#set-epochs')).toHaveValue('2000');
      expect(await title(app)).toBe('• deep-sigmoid.backflow.json — Backflow');
    });

    test('a second launch with a file hands it to the first window and exits', async () => {
      const folder = workspace();
      const userData = join(folder, 'user-data');
      const app = await start({ userData });
      const file = join(EXAMPLES, 'remedy-skip.backflow.json');
      const second = await target.launchSecond({ userData, args: [file] });
      expect(second.code, second.output).toBe(0);
      await expect(app.page.getByTestId('file-status')).toHaveText('remedy-skip.backflow.json');
      await expect.poll(() => title(app)).toBe('remedy-skip.backflow.json — Backflow');
      await shot(app.page, 'desktop-second-instance');
    });

    test('packaged as electron-builder lays it out, it finds its examples, schema and WebAssembly', async () => {
      test.skip(
        target !== TARGETS[0],
        'the packaged layout is run through the double (a real run needs electron-builder)',
      );
      const folder = workspace();
      const resources = layOutPackagedApp(join(folder, 'Backflow'));
      expect(existsSync(join(resources, 'app.asar/node_modules/@tensorflow/tfjs-backend-wasm/dist'))).toBe(
        true,
      );
      expect(
        readdirSync(join(resources, 'app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist')),
      ).toContain('tfjs-backend-wasm-simd.wasm');
      expect(existsSync(join(resources, 'schema/design.schema.json'))).toBe(true);
      const app = await start({
        userData: join(folder, 'user-data'),
        appDir: join(resources, 'app.asar'),
        resources,
        // A development-only variable: the packaged app must not load the page it names.
        env: { ELECTRON_RENDERER_URL: 'http://127.0.0.1:9/not-the-app' },
      });
      const { page } = app;
      expect(page.url()).toBe(pathToFileURL(join(resources, 'app.asar/out/renderer/index.html')).href);
      await openFromDisk(app, join(resources, 'examples/deep-sigmoid.backflow.json'));
      await showTraining(page);
      await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
      await trainButton(page).click();
      await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
      await expect(page.getByTestId('training-backend')).toContainText('WASM');
      // The run is not written inside the installed app: the Runs view says why and what to do.
      await page.getByRole('button', { name: 'Runs (1)' }).click();
      await expect(page.getByRole('alert')).toContainText(
        'runs are not kept inside the app’s own folder: save the design elsewhere (Save As…)',
      );
      expect(readdirSync(join(resources, 'examples')).filter((name) => name.endsWith('.runs'))).toEqual([]);
      await shot(page, 'desktop-packaged-trained');
    });
  });
