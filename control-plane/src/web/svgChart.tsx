/**
 * Server-rendered line charts as inline SVG: no script, nothing for the CSP to allow (colours are
 * presentation attributes, not style). A gap in the data (an hour with no heartbeat) breaks the
 * line instead of inventing a value. The chart is an image to assistive technology, with a title
 * and a description giving each series' latest value; the page also states the figures in text.
 * The frame, axes, gridlines and legend are `ChartFrame`'s (chartFrame.tsx), shared with the bar charts.
 */
import { CHART_COLOURS, CHART_RIGHT, CHART_TOP, CHART_WIDTH, ChartFrame, XLabel, plotSize } from './chartFrame.js';

const LEFT = 56;
/** Distinguishable for common colour blindness, each ≥ 4.5:1 on white; dashes tell them apart too. */
const COLOURS = CHART_COLOURS.slice(0, 4);
const DASHES = [undefined, '6 3', '2 3', '8 3 2 3'];

export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | null>;
}

export interface LineChartProps {
  id: string;
  title: string;
  /** One label per point (x axis); the first, middle and last are drawn. */
  labels: readonly string[];
  series: readonly ChartSeries[];
  /** Top of the y axis; defaults to the largest value (at least 1). */
  max?: number;
  /** A horizontal reference line, e.g. 1 for "100 % of the limit". */
  reference?: { value: number; label: string };
  format: (value: number) => string;
}

/** The path of one series: a move at the start of every run of values, so gaps stay gaps. */
export function linePath(values: ReadonlyArray<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    d += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
    drawing = true;
  });
  return d.trim();
}

function describe(props: LineChartProps): string {
  const parts = props.series.map((s) => {
    const last = [...s.values].reverse().find((v) => v !== null);
    return `${s.label} : ${last === undefined || last === null ? 'aucune donnée' : props.format(last)}`;
  });
  return `Dernières valeurs — ${parts.join(' ; ')}.`;
}

export function LineChart(props: LineChartProps) {
  const n = props.labels.length;
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = props.max ?? Math.max(1, ...all, props.reference?.value ?? 0);
  const { plotW, plotH } = plotSize(LEFT);
  const x = (i: number) => LEFT + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => CHART_TOP + plotH - (Math.min(v, max) / max) * plotH;
  const xTicks = n > 0 ? [...new Set([0, Math.floor((n - 1) / 2), n - 1])] : [];
  const swatch = (k: number, lx: number, ly: number) => (
    <line
      x1={lx}
      x2={lx + 24}
      y1={ly}
      y2={ly}
      stroke={COLOURS[k % COLOURS.length]}
      stroke-width="2"
      stroke-dasharray={DASHES[k % DASHES.length]}
    />
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
      swatchWidth={30}
    >
      {props.reference ? (
        <g>
          <line
            x1={LEFT}
            x2={CHART_WIDTH - CHART_RIGHT}
            y1={y(props.reference.value)}
            y2={y(props.reference.value)}
            stroke="#a3151b"
            stroke-width="1.5"
            stroke-dasharray="4 4"
          />
          {/* Above the line, unless the line is the top of the plot (usage never above the limit): then
              above would leave the SVG and the label was clipped; it goes just under the line. */}
          <text
            x={CHART_WIDTH - CHART_RIGHT}
            y={y(props.reference.value) - 4 < CHART_TOP + 13 ? y(props.reference.value) + 15 : y(props.reference.value) - 4}
            text-anchor="end"
            font-size="13"
            fill="#a3151b"
          >
            {props.reference.label}
          </text>
        </g>
      ) : null}
      {xTicks.map((i) => (
        <XLabel x={x(i)} anchor={i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'} size={13}>
          {props.labels[i]}
        </XLabel>
      ))}
      {props.series.map((s, k) => {
        const colour = COLOURS[k % COLOURS.length]!;
        const lone = s.values.flatMap((v, i) =>
          v !== null && (s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null ? [i] : [],
        );
        return (
          <g>
            <path d={linePath(s.values, x, y)} fill="none" stroke={colour} stroke-width="2" stroke-dasharray={DASHES[k % DASHES.length]} />
            {lone.map((i) => (
              <circle cx={x(i)} cy={y(s.values[i]!)} r="3" fill={colour} />
            ))}
          </g>
        );
      })}
    </ChartFrame>
  );
}
