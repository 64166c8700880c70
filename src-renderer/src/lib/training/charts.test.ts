import { describe, expect, it, vi } from 'vitest';
import { Chart, updateWithoutDrawing } from './charts';

/** A canvas whose 2D context accepts every call and measures all text as empty (Chart.js's BasicPlatform, no DOM). */
function fakeCanvas() {
  const canvas = { width: 300, height: 150, style: {}, getContext: () => ctx };
  const ctx: object = new Proxy(
    { canvas, measureText: () => ({ width: 0 }) },
    {
      get: (target, key) => (key in target ? target[key as keyof typeof target] : () => undefined),
      set: () => true,
    },
  );
  return canvas as unknown as HTMLCanvasElement;
}

function lineChart() {
  return new Chart(fakeCanvas(), {
    type: 'line',
    data: { datasets: [{ label: 'loss', data: [{ x: 0, y: 1 }] }] },
    options: {
      animation: false,
      parsing: false,
      responsive: false,
      devicePixelRatio: 1,
      scales: { x: { type: 'linear' } },
    },
  });
}

describe('updateWithoutDrawing', () => {
  it('updates a chart without drawing it; render() draws it later', () => {
    const chart = updateWithoutDrawing(lineChart);
    const draw = vi.spyOn(chart, 'draw');
    (chart.data.datasets[0].data as { x: number; y: number }[]).push({ x: 1, y: 0.5 });
    updateWithoutDrawing(() => chart.update('none'));
    expect(draw).not.toHaveBeenCalled();
    expect(chart.scales.x.max, 'the update itself happened').toBe(1);
    chart.render();
    expect(draw).toHaveBeenCalledTimes(1);
    chart.update('none');
    expect(draw, 'outside it, an update draws as usual').toHaveBeenCalledTimes(2);
    chart.destroy();
  });

  it('lets charts draw again after an update that throws', () => {
    expect(() =>
      updateWithoutDrawing(() => {
        throw new Error('update failed');
      }),
    ).toThrow('update failed');
    const chart = lineChart();
    const draw = vi.spyOn(chart, 'draw');
    chart.update('none');
    expect(draw).toHaveBeenCalledTimes(1);
    chart.destroy();
  });
});
