/**
 * What every dashboard chart draws the same way, in one place: the frame (figure, caption, an SVG
 * that is an image to assistive technology with a title and a description), the y axis's
 * gridlines and their labels, the x axis's labels and the legend under the plot. `LineChart`
 * (svgChart.tsx) and `BarChart` (svgBarChart.tsx) only draw their marks inside it. No script and
 * no inline style: colours are presentation attributes, which the CSP allows.
 */
import type { ComponentChildren, VNode } from 'preact';

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 220;
export const CHART_RIGHT = 12;
export const CHART_TOP = 12;
export const CHART_BOTTOM = 28;
/** Distinguishable for common colour blindness, each ≥ 4.5:1 on white. */
export const CHART_COLOURS = ['#0b5cad', '#b04a00', '#2d7a3e', '#7a3aa0', '#5a6570'] as const;

/** The plot's size once the y labels (`left` wide) and the margins are taken off. */
export function plotSize(left: number): { plotW: number; plotH: number } {
  return { plotW: CHART_WIDTH - left - CHART_RIGHT, plotH: CHART_HEIGHT - CHART_TOP - CHART_BOTTOM };
}

export interface ChartFrameProps {
  id: string;
  title: string;
  /** The text alternative: the latest figures, in words. */
  description: string;
  /** Room for the y labels, left of the plot. */
  left: number;
  /** Where a value sits on the y axis, and the values given a gridline and a label. */
  y: (value: number) => number;
  ticks: readonly number[];
  format: (value: number) => string;
  /** One entry per series, two a row under the plot; `swatch` draws its sample at (x, y), `swatchWidth` wide with its gap. */
  legend: readonly string[];
  swatch: (k: number, x: number, y: number) => VNode;
  swatchWidth: number;
  children: ComponentChildren;
}

export function ChartFrame(props: ChartFrameProps) {
  const { plotW } = plotSize(props.left);
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  return (
    <figure class="chart">
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT + 8 + 20 * Math.ceil(props.legend.length / 2)}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.description}</desc>
        {props.ticks.map((t) => (
          <g>
            <line x1={props.left} x2={CHART_WIDTH - CHART_RIGHT} y1={props.y(t)} y2={props.y(t)} stroke="#d3d9df" stroke-width="1" />
            <text x={props.left - 6} y={props.y(t) + 4} text-anchor="end" font-size="13" fill="#4d5966">
              {props.format(t)}
            </text>
          </g>
        ))}
        {props.children}
        {props.legend.map((label, k) => {
          const lx = props.left + (k % 2) * (plotW / 2);
          const ly = CHART_HEIGHT + 8 + Math.floor(k / 2) * 20;
          return (
            <g>
              {props.swatch(k, lx, ly)}
              <text x={lx + props.swatchWidth} y={ly + 4} font-size="14" fill="#16202a">
                {label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** A label under the x axis, at `x`. */
export function XLabel({
  x,
  anchor,
  size,
  children,
}: {
  x: number | string;
  anchor: 'start' | 'middle' | 'end';
  size: number;
  children: ComponentChildren;
}) {
  return (
    <text x={x} y={CHART_HEIGHT - 8} text-anchor={anchor} font-size={String(size)} fill="#4d5966">
      {children}
    </text>
  );
}
