import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../../src-shared/diagnosis/diagnose';
import { loadRun } from '../../../../src-shared/diagnosis/fixtures';
import DiagnosisPanel from './DiagnosisPanel.svelte';

function panelHtml(name: Parameters<typeof loadRun>[0]): string {
  const { design, records, diverged } = loadRun(name);
  const findings = diagnose(records, { design, diverged });
  return render(DiagnosisPanel, { props: { findings, onapply: () => {} } }).body;
}

describe('DiagnosisPanel', () => {
  it('shows each finding with its severity in words and a labelled button per remedy', () => {
    const html = panelHtml('exploding-relu');
    expect(html).toContain('Training diverged at step 3');
    expect(html).toMatch(/Error<\/span>/);
    expect(html).toMatch(
      /<button[^>]*data-remedy="lower-learning-rate"[^>]*>Lower learning rate to 0\.1<\/button>/,
    );
    expect(html).toContain('2 errors, 2 warnings');
    // Every remedy button is described by its text in the disclosure.
    const described = [...html.matchAll(/aria-describedby="([^"]+)"/g)].map((m) => m[1]);
    expect(described.length).toBeGreaterThan(0);
    for (const id of described) expect(html).toContain(`id="${id}"`);
    expect(new Set(described).size).toBe(described.length);
  });

  it('says so when there is nothing to report', () => {
    const html = panelHtml('healthy-tanh');
    expect(html).toContain('No problems found');
    expect(html).not.toContain('<button');
  });
});
