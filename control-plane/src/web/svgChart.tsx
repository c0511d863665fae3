/**
 * Server-rendered line charts as inline SVG: no script, nothing for the CSP to allow (colours are
 * presentation attributes, not style). A gap in the data (an hour with no heartbeat) breaks the
 * line instead of inventing a value. The chart is an image to assistive technology, with a title
 * and a description giving each series' latest value; the page also states the figures in text.
 */
const WIDTH = 560;
const HEIGHT = 220;
const LEFT = 56;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 28;
/** Distinguishable for common colour blindness, each ≥ 4.5:1 on white; dashes tell them apart too. */
const COLOURS = ['#0b5cad', '#b04a00', '#2d7a3e', '#7a3aa0'];
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
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (i: number) => LEFT + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => TOP + plotH - (Math.min(v, max) / max) * plotH;
  const ticks = [0, max / 2, max];
  const xTicks = n > 0 ? [...new Set([0, Math.floor((n - 1) / 2), n - 1])] : [];
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  return (
    <figure class="chart">
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 8 + 20 * Math.ceil(props.series.length / 2)}`} role="img" aria-labelledby={`${titleId} ${descId}`} xmlns="http://www.w3.org/2000/svg">
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{describe(props)}</desc>
        {ticks.map((t) => (
          <g>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(t)} y2={y(t)} stroke="#d3d9df" stroke-width="1" />
            <text x={LEFT - 6} y={y(t) + 4} text-anchor="end" font-size="13" fill="#4d5966">{props.format(t)}</text>
          </g>
        ))}
        {props.reference ? (
          <g>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(props.reference.value)} y2={y(props.reference.value)} stroke="#a3151b" stroke-width="1.5" stroke-dasharray="4 4" />
            <text x={WIDTH - RIGHT} y={y(props.reference.value) - 4} text-anchor="end" font-size="13" fill="#a3151b">{props.reference.label}</text>
          </g>
        ) : null}
        {xTicks.map((i) => (
          <text x={x(i)} y={HEIGHT - 8} text-anchor={i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'} font-size="13" fill="#4d5966">{props.labels[i]}</text>
        ))}
        {props.series.map((s, k) => {
          const colour = COLOURS[k % COLOURS.length]!;
          const lone = s.values.flatMap((v, i) => (v !== null && (s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null ? [i] : []));
          return (
            <g>
              <path d={linePath(s.values, x, y)} fill="none" stroke={colour} stroke-width="2" stroke-dasharray={DASHES[k % DASHES.length]} />
              {lone.map((i) => <circle cx={x(i)} cy={y(s.values[i]!)} r="3" fill={colour} />)}
            </g>
          );
        })}
        {props.series.map((s, k) => {
          const lx = LEFT + (k % 2) * (plotW / 2);
          const ly = HEIGHT + 8 + Math.floor(k / 2) * 20;
          return (
            <g>
              <line x1={lx} x2={lx + 24} y1={ly} y2={ly} stroke={COLOURS[k % COLOURS.length]} stroke-width="2" stroke-dasharray={DASHES[k % DASHES.length]} />
              <text x={lx + 30} y={ly + 4} font-size="14" fill="#16202a">{s.label}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
