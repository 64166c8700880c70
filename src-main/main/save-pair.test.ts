/**
 * A design and its weights are two files written one after the other; a
 * process killed between the writes leaves a new weights file beside an old
 * design. Main's real save loop (save-loop.fixture.ts) is killed at random
 * moments, and each time the pair on disk is opened as the app opens it: the
 * weights are used only when they belong to the design beside them, and the
 * temporary files of interrupted writes are swept away.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDesign } from '../../src-shared/design/index';
import { readDesignWeights, writeDesignWeights } from './design-weights';
import { sweepOrphanedTemporaries } from './files';
import { designOfVersion, weightsOfVersion } from './save-loop.fixture';

// tsx as a loader, not its CLI: the CLI runs the script in a child process that a kill would orphan.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

/** Runs the save loop on `path` and kills it (SIGKILL) `afterMs` after its first save. */
function saveThenKill(path: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, join(__dirname, 'save-loop.fixture.ts'), path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`the save loop ended (${code}): ${errors}`)),
    );
  });
}

const KILLS = 10;

describe('design and weights saved as a pair', () => {
  it('refuses weights saved with another version of the design, and uses its own', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'backflow-pair-'));
    const path = join(folder, 'pair.backflow.json');
    // What a kill between the two writes leaves: version 2's weights, version 1's design.
    expect((await writeDesignWeights(path, designOfVersion(2), weightsOfVersion(2))).ok).toBe(true);
    writeFileSync(path, designOfVersion(1));
    const mismatched = await readDesignWeights(path, designOfVersion(1));
    expect(mismatched.weights).toBeUndefined();
    expect(mismatched.warning).toBe(
      'pair.weights.safetensors was saved with another version of pair.backflow.json (a save that was cut short?). ' +
        'The design opened without its pretrained weights; saving it replaces pair.weights.safetensors.',
    );
    writeFileSync(path, designOfVersion(2));
    expect((await readDesignWeights(path, designOfVersion(2))).weights).toBeDefined();
  });

  it('never pairs a design with weights of another version after a kill mid-save', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'backflow-pair-'));
    const path = join(folder, 'pair.backflow.json');
    const outcomes = { matched: 0, refused: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      await saveThenKill(path, 20 + ((kill * 37) % 180));
      const text = readFileSync(path, 'utf8');
      const parsed = parseDesign(text);
      expect(parsed.ok, 'the design file is always whole').toBe(true);
      const version = parsed.ok ? parsed.design.training.epochs : -1;
      const { weights, warning } = await readDesignWeights(path, text);
      if (weights) {
        const headerLength = Number(new DataView(weights.buffer, weights.byteOffset).getBigUint64(0, true));
        const value = new Float32Array(weights.slice(8 + headerLength, 8 + headerLength + 4).buffer)[0];
        expect(value, 'weights used with a design are of its version').toBe(version);
        outcomes.matched++;
      } else {
        expect(warning).toContain('was saved with another version of pair.backflow.json');
        outcomes.refused++;
      }
    }
    // Both outcomes are expected over the kills; what must never happen is a silent mismatch (asserted above).
    expect(outcomes.matched + outcomes.refused).toBe(KILLS);
    await sweepOrphanedTemporaries(folder, ['pair.backflow.json', 'pair.weights.safetensors', 'recent.json']);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
