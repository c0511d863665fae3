/**
 * Server-rendered bar charts as inline SVG (no script; colours are presentation attributes, which
 * the CSP allows): stacked bars for parts of a whole (MRR by plan), grouped bars for figures side
 * by side (new and churned cabinets). Like `LineChart`, the chart is an image with a title and a
 * description of its latest figures, and the page gives every figure in a table as well. The
 * frame, axes, gridlines and legend are `ChartFrame`'s (chartFrame.tsx).
 */
import { CHART_COLOURS, CHART_TOP, ChartFrame, XLabel, plotSize } from './chartFrame.js';

const LEFT = 64;
/** The line charts' palette (≥ 4.5:1 on white, distinguishable for common colour blindness). */
const COLOURS = CHART_COLOURS;

export interface BarSeries {
  label: string;
  values: readonly number[];
}

export interface BarChartProps {
  id: string;
  title: string;
  /** One label per group of bars (x axis); every label is drawn when they fit, else one in two. */
  labels: readonly string[];
  series: readonly BarSeries[];
  /** Stack the series in one bar per label (parts of a total) instead of side by side. */
  stacked: boolean;
  format: (value: number) => string;
}

/**
 * The top of the y axis: the next 2, 4, 6, 8 or 10 × a power of ten, so that it and its half (the
 * middle tick) are round figures — whole numbers for counts (3 cabinets: ticks 0, 2, 4).
 */
export function niceMax(value: number): number {
  if (value <= 1) return 2;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 4, 6, 8, 10].map((m) => m * power).find((top) => top >= value)!;
}

function describe(props: BarChartProps): string {
  const last = props.labels.length - 1;
  if (last < 0) return 'Aucune donnée.';
  const parts = props.series.map((s) => `${s.label} : ${props.format(s.values[last] ?? 0)}`);
  return `${props.labels[last]} — ${parts.join(' ; ')}.`;
}

export function BarChart(props: BarChartProps) {
  const n = props.labels.length;
  const totals = props.labels.map((_, i) =>
    props.stacked ? props.series.reduce((s, x) => s + (x.values[i] ?? 0), 0) : Math.max(0, ...props.series.map((x) => x.values[i] ?? 0)),
  );
  const max = niceMax(Math.max(0, ...totals));
  const { plotW, plotH } = plotSize(LEFT);
  const slot = n > 0 ? plotW / n : plotW;
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number) => CHART_TOP + plotH - (v / max) * plotH;
  const every = n > 12 ? 2 : 1;
  const swatch = (k: number, lx: number, ly: number) => (
    <rect x={lx} y={ly - 6} width="14" height="12" fill={COLOURS[k % COLOURS.length]} />
  );
  return (
    <ChartFrame
      id={props.id}
      title={props.title}
      description={describe(props)}
      left={LEFT}
      y={y}
      ticks={[0, max / 2, max]}
      format={props.format}
      legend={props.series.map((s) => s.label)}
      swatch={swatch}
      swatchWidth={20}
    >
      {props.labels.map((label, i) => {
        const x0 = LEFT + i * slot + (slot - barW) / 2;
        let base = 0;
        return (
          <g>
            {props.series.map((s, k) => {
              const v = s.values[i] ?? 0;
              if (v <= 0) return null;
              const w = props.stacked ? barW : barW / props.series.length;
              const x = props.stacked ? x0 : x0 + k * w;
              const top = props.stacked ? base + v : v;
              const bottom = props.stacked ? base : 0;
              if (props.stacked) base += v;
              return (
                <rect
                  x={x.toFixed(1)}
                  y={y(top).toFixed(1)}
                  width={Math.max(1, w - 1).toFixed(1)}
                  height={Math.max(0.5, y(bottom) - y(top)).toFixed(1)}
                  fill={COLOURS[k % COLOURS.length]}
                />
              );
            })}
            {i % every === 0 || i === n - 1 ? (
              <XLabel x={(LEFT + i * slot + slot / 2).toFixed(1)} anchor="middle" size={12}>
                {label}
              </XLabel>
            ) : null}
          </g>
        );
      })}
    </ChartFrame>
  );
}
