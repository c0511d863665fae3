/** The dashboard's SVG charts: gaps stay gaps, nothing the CSP would block, a text alternative. */
import { describe, expect, it } from 'vitest';
import { h } from 'preact';
import { render } from 'preact-render-to-string';
import { LineChart, linePath } from '../../../control-plane/src/web/svgChart.js';

describe('SVG line chart', () => {
  it('starts a new segment after every gap instead of drawing through it', () => {
    const d = linePath(
      [1, 2, null, 4, null, null, 7, 8],
      (i) => i * 10,
      (v) => v,
    );
    expect(d).toBe('M0.0 1.0 L10.0 2.0 M30.0 4.0 M60.0 7.0 L70.0 8.0');
    expect(
      linePath(
        [null, null],
        (i) => i,
        (v) => v,
      ),
    ).toBe('');
  });

  it('renders an image with a title and the latest value of each series, and no inline style or script', () => {
    const html = render(
      h(LineChart, {
        id: 'usage',
        title: 'Usage — 24 dernières heures',
        labels: ['00:00', '01:00', '02:00'],
        series: [
          { label: 'Dossiers', values: [0.2, null, 0.5] },
          { label: 'Utilisateurs', values: [null, null, null] },
        ],
        reference: { value: 1, label: 'limite' },
        format: (v: number) => `${Math.round(v * 100)} %`,
      }),
    );
    expect(html).toContain('role="img"');
    expect(html).toContain('<title id="usage-title">Usage — 24 dernières heures</title>');
    expect(html).toContain('Dernières valeurs — Dossiers : 50 % ; Utilisateurs : aucune donnée.');
    // A lone point (between gaps) is drawn as a dot, so it is not lost.
    expect(html).toMatch(/<circle [^>]*r="3"/);
    expect(html).not.toMatch(/style=|<script/);
  });

  it('keeps the limit label inside the chart, also when the limit is the top of the plot', () => {
    const labelY = (values: number[]) => {
      const html = render(
        h(LineChart, {
          id: 'usage',
          title: 'Usage',
          labels: ['00:00', '01:00'],
          series: [{ label: 'Dossiers', values }],
          reference: { value: 1, label: 'limite' },
          format: (v: number) => `${Math.round(v * 100)} %`,
        }),
      );
      return Number(/<text[^>]*y="([\d.]+)"[^>]*>limite<\/text>/.exec(html)?.[1]);
    };
    // Usage never above the limit: the plot's top (y = 12) is the limit line; a 13 px label above
    // it would start above the SVG and be clipped ("limite" cut on the charts), so it sits below.
    expect(labelY([0.2, 0.5])).toBeGreaterThanOrEqual(12 + 13);
    // Usage at 150 % of the limit: the line is lower, the label stays just above it.
    const plotH = 220 - 12 - 28;
    const lineY = 12 + plotH - (1 / 1.5) * plotH;
    expect(labelY([0.2, 1.5])).toBeCloseTo(lineY - 4, 5);
  });
});
