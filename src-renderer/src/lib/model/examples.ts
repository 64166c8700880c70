/**
 * The example designs shipped in resources/examples, for the start screen.
 * Each file goes through the same parser as a file the user opens, so a
 * broken example is reported rather than loaded half-way.
 */
import { parseDesign } from '../../../../src-shared/design/parse';
import type { Design } from '../../../../src-shared/design/types';

export interface Example {
  file: string;
  design?: Design;
  /** Why the file could not be read; the gallery shows it instead of the card's action. */
  error?: string;
}

const files = import.meta.glob('../../../../resources/examples/*.backflow.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export function loadExamples(): Example[] {
  return Object.entries(files)
    .map(([path, text]) => {
      const file = path.split('/').pop() ?? path;
      const parsed = parseDesign(text, { fileName: file });
      return parsed.ok ? { file, design: parsed.design } : { file, error: parsed.error.message };
    })
    .sort((a, b) => (a.design?.name ?? a.file).localeCompare(b.design?.name ?? b.file));
}
