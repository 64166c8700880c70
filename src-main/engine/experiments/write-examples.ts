/**
 * Writes the generated experiment designs to resources/examples/, each
 * parsed and re-serialized so the files hold the canonical form the app
 * itself saves (defaults filled in, 2-space indentation). Run with
 * `npx tsx src-main/engine/experiments/write-examples.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDesign, serializeDesign } from '../../../src-shared/design';
import { GENERATED_EXAMPLES } from './arms';

const dir = join(import.meta.dirname, '../../../resources/examples');
for (const [file, build] of Object.entries(GENERATED_EXAMPLES)) {
  const parsed = parseDesign(JSON.stringify(build()), { fileName: file });
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
  writeFileSync(join(dir, file), serializeDesign(parsed.design));
  console.log(`wrote ${file}`);
}
