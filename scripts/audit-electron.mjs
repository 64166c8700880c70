#!/usr/bin/env node
/**
 * `npm run audit:electron`: Doyensec's electronegativity over the code that
 * makes up the Electron app — main, preload and the renderer's HTML (with its
 * CSP) — and a failure on any HIGH or MEDIUM finding. electronegativity
 * itself always exits 0, hence this wrapper. The engine, server and CLI
 * never touch Electron and are not scanned; neither are unit tests.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// The GPU engine page is a window of the app too: its HTML (with its CSP) is scanned as the renderer's.
const INPUTS = [
  'src-main/main',
  'src-main/preload',
  'src-renderer/index.html',
  'src-main/engine/browser/index.html',
];

/**
 * Checks excluded, each with the reason. Every other HIGH or MEDIUM finding
 * fails the audit: fix it in main or preload rather than adding it here.
 */
const EXCLUDED = {
  // Keys are the report's check ids; the runner wants the class names lower-cased (preloadjscheck).
  // A reminder to review any preload, raised whenever one exists. Ours is the
  // reviewed contextBridge facade (src-main/preload/index.ts): no raw ipcRenderer,
  // fixed channels, every payload revalidated by main (file-service.test.ts).
  PRELOAD_JS_CHECK: 'the preload is the minimal reviewed contextBridge API',
};

const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
// The runner in-process, not the CLI: the CLI's CSV report writes its header and
// its rows with two concurrent fs.writeFile calls, so on some machines the header
// lands over the rows and the report is garbled (CI failed on exactly that).
const require = createRequire(import.meta.url);
const runElectronegativity = require('@doyensec/electronegativity/dist/runner.js');

const stage = mkdtempSync(join(tmpdir(), 'backflow-audit-'));
try {
  for (const input of INPUTS)
    cpSync(join(root, input), join(stage, input), {
      recursive: true,
      filter: (path) => !/\.test\.ts$/.test(path) && !path.endsWith('test-design.ts'),
    });
  const { issues, errors } = await runElectronegativity({
    input: stage,
    customScan: [],
    excludeFromScan: Object.keys(EXCLUDED).map(className),
    isRelative: true,
    isVerbose: true,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
  for (const e of errors)
    console.error(`${e.tolerable ? 'parse warning' : 'unparsed'}: ${e.file}: ${e.message}`);
  const unparsed = errors.filter((e) => !e.tolerable);
  if (unparsed.length) throw new Error(`electronegativity could not parse ${unparsed.length} file(s)`);
  const severity = (issue) => issue.severity.name;
  const serious = issues.filter((i) => severity(i) === 'HIGH' || severity(i) === 'MEDIUM');
  for (const i of issues)
    console.log(
      `${severity(i).padEnd(13)} ${i.id}  ${i.file}:${i.location.line}:${i.location.column}  ${i.description}`,
    );
  console.log(
    `electronegativity (Electron ${electronVersion}): ${issues.length} finding(s), ${serious.length} high or medium; excluded: ${Object.keys(EXCLUDED).join(', ')}`,
  );
  process.exitCode = serious.length > 0 ? 1 : 0;
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** PRELOAD_JS_CHECK → preloadjscheck, as the runner names checks. */
function className(id) {
  return id.replaceAll('_', '').toLowerCase();
}
