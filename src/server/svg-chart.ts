/**
 * Bar and line charts written as SVG strings. They replace Observable Plot over a linkedom DOM,
 * which cost ~48 MB of RSS per process once the first chart was drawn, and tens of milliseconds
 * of event loop per chart. d3-scale chooses the round tick values and the month ticks, as Plot did.
 * No inline styles (the CSP has no 'unsafe-inline'): presentation attributes here, the rest in
 * src/styles/charts.css. A chart is one image (role=img, named by its label); the page that shows
 * it has the same figures as a table.
 */
import { scaleLinear, scaleUtc } from 'd3-scale';
import { escapeHtml } from './html.ts';

const GRID = '#dfe1e2';
const AXIS = '#1b1b1b';
/** Average width of a character at the charts' 14 px (Source Sans), for margins and label spacing. */
const CHAR_WIDTH = 7.5;

export interface ChartFrame {
  width: number;
  height: number;
  marginLeft: number;
  marginRight: number;
  marginTop?: number;
  marginBottom?: number;
  /** What the chart shows, for screen readers (role=img). */
  label: string;
}

const f = (n: number) => String(Math.round(n * 10) / 10);

function svgOpen(frame: ChartFrame): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart__svg" role="img" aria-label="${escapeHtml(frame.label)}" ` +
    `width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}">`
  );
}

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', dy = '0.32em'): string {
  return `<text x="${f(x)}" y="${f(y)}" dy="${dy}" text-anchor="${anchor}">${escapeHtml(content)}</text>`;
}

/** Round ticks from 0 to at least `max`; whole numbers only when `integers` (counts). */
function valueScale(max: number, range: [number, number], count: number, integers: boolean) {
  const scale = scaleLinear()
    .domain([0, Math.max(max, integers ? 1 : Number.EPSILON)])
    .range(range)
    .nice(count);
  const ticks = scale.ticks(count).filter((t) => !integers || Number.isInteger(t));
  return { scale, ticks };
}

/**
 * Round ticks whose labels fit side by side along a horizontal axis: d3's count is only a hint, so
 * fewer ticks are asked for until the widest label fits between two of them ("1,0001,500" on a
 * phone-width chart of 0–5,000 in steps of 500).
 */
function fittingValueScale(max: number, range: [number, number], count: number, integers: boolean, format: (n: number) => string) {
  for (let n = count; ; n--) {
    const value = valueScale(max, range, n, integers);
    const [a, b] = value.ticks;
    const step = a === undefined || b === undefined ? Infinity : Math.abs(value.scale(b) - value.scale(a));
    const widest = Math.max(0, ...value.ticks.map((t) => format(t).length)) * CHAR_WIDTH;
    if (n <= 2 || widest + 8 <= step) return value;
  }
}

/** Keeps labels from overlapping: every k-th label when `labelWidth` does not fit `step` pixels. */
function labelEvery(step: number, labelWidth: number): number {
  return Math.max(1, Math.ceil((labelWidth + 8) / Math.max(1, step)));
}

export interface BarRow {
  label: string;
  /** One value per series, stacked in order (one value: a plain bar). */
  values: number[];
}

/**
 * Horizontal bars, one row per category in the order given, series stacked left to right in
 * `colors` order; `valueText` writes each row's total after its bar.
 */
export function horizontalBars(
  frame: ChartFrame,
  rows: BarRow[],
  colors: string[],
  format: (n: number) => string,
  { valueText = false, integers = false, ticks = 8 }: { valueText?: boolean; integers?: boolean; ticks?: number } = {},
): string {
  const top = frame.marginTop ?? 10;
  const bottom = frame.marginBottom ?? 30;
  const totals = rows.map((r) => r.values.reduce((a, v) => a + v, 0));
  const x = fittingValueScale(Math.max(0, ...totals), [frame.marginLeft, frame.width - frame.marginRight], ticks, integers, format);
  const band = (frame.height - top - bottom) / Math.max(1, rows.length);
  const barHeight = band * 0.8;
  const parts: string[] = [svgOpen(frame)];
  // Grid and tick labels below the bars.
  parts.push(`<g stroke="${GRID}">`);
  for (const t of x.ticks) parts.push(`<line x1="${f(x.scale(t))}" x2="${f(x.scale(t))}" y1="${top}" y2="${frame.height - bottom}"/>`);
  parts.push('</g><g>');
  for (const t of x.ticks) parts.push(text(x.scale(t), frame.height - bottom + 16, format(t), 'middle'));
  parts.push('</g>');
  rows.forEach((row, i) => {
    const y = top + i * band + (band - barHeight) / 2;
    let from = 0;
    row.values.forEach((v, s) => {
      if (v > 0)
        parts.push(
          `<rect x="${f(x.scale(from))}" y="${f(y)}" width="${f(x.scale(from + v) - x.scale(from))}" height="${f(barHeight)}" fill="${colors[s % colors.length]}"/>`,
        );
      from += v;
    });
    parts.push(text(frame.marginLeft - 6, y + barHeight / 2, row.label, 'end'));
    if (valueText) parts.push(text(x.scale(totals[i] ?? 0) + 4, y + barHeight / 2, format(totals[i] ?? 0), 'start'));
  });
  parts.push(`<line x1="${f(x.scale(0))}" x2="${f(x.scale(0))}" y1="${top}" y2="${frame.height - bottom}" stroke="${AXIS}"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Vertical bars, one per category (`rows` in order, labelled below), series stacked bottom to top
 * in `colors` order. Labels that would overlap are shown every k-th category.
 */
export function verticalBars(
  frame: ChartFrame,
  rows: BarRow[],
  colors: string[],
  format: (n: number) => string,
  { integers = false, ticks = 8 }: { integers?: boolean; ticks?: number } = {},
): string {
  const top = frame.marginTop ?? 20;
  const bottom = frame.marginBottom ?? 30;
  const totals = rows.map((r) => r.values.reduce((a, v) => a + v, 0));
  const y = valueScale(Math.max(0, ...totals), [frame.height - bottom, top], ticks, integers);
  const band = (frame.width - frame.marginLeft - frame.marginRight) / Math.max(1, rows.length);
  const barWidth = band * 0.8;
  const every = labelEvery(band, Math.max(0, ...rows.map((r) => r.label.length)) * CHAR_WIDTH);
  const parts: string[] = [svgOpen(frame), `<g stroke="${GRID}">`];
  for (const t of y.ticks)
    parts.push(`<line x1="${frame.marginLeft}" x2="${frame.width - frame.marginRight}" y1="${f(y.scale(t))}" y2="${f(y.scale(t))}"/>`);
  parts.push('</g><g>');
  for (const t of y.ticks) parts.push(text(frame.marginLeft - 6, y.scale(t), format(t), 'end'));
  parts.push('</g>');
  rows.forEach((row, i) => {
    const x = frame.marginLeft + i * band + (band - barWidth) / 2;
    let from = 0;
    row.values.forEach((v, s) => {
      if (v > 0)
        parts.push(
          `<rect x="${f(x)}" y="${f(y.scale(from + v))}" width="${f(barWidth)}" height="${f(y.scale(from) - y.scale(from + v))}" fill="${colors[s % colors.length]}"/>`,
        );
      from += v;
    });
    if (i % every === 0) parts.push(text(x + barWidth / 2, frame.height - bottom + 16, row.label, 'middle'));
  });
  parts.push(
    `<line x1="${frame.marginLeft}" x2="${frame.width - frame.marginRight}" y1="${f(y.scale(0))}" y2="${f(y.scale(0))}" stroke="${AXIS}"/>`,
  );
  parts.push('</svg>');
  return parts.join('');
}

export interface MonthSeries {
  /** Months as YYYY-MM, in order and without gaps (the caller fills missing months with 0). */
  values: { month: string; value: number }[];
  color: string;
}

/** Lines with a dot per month over a time axis; month ticks d3 chooses, labelled by `monthLabel`. */
export function monthLineChart(
  frame: ChartFrame,
  series: MonthSeries[],
  format: (n: number) => string,
  monthLabel: (d: Date) => string,
  { ticks = 8 }: { ticks?: number } = {},
): string {
  const top = frame.marginTop ?? 20;
  const bottom = frame.marginBottom ?? 30;
  const dates = series.flatMap((s) => s.values.map((v) => Date.parse(`${v.month}-01T00:00:00Z`)));
  const first = new Date(Math.min(...dates));
  const last = new Date(Math.max(...dates));
  const x = scaleUtc()
    .domain([first, last.getTime() === first.getTime() ? new Date(first.getTime() + 86_400_000) : last])
    .range([frame.marginLeft, frame.width - frame.marginRight]);
  const y = valueScale(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v.value))), [frame.height - bottom, top], ticks, false);
  // As many month ticks as their labels leave room for (d3's count is only a hint: thin them out).
  const room = frame.width - frame.marginLeft - frame.marginRight;
  const candidates = x.ticks(Math.max(2, Math.floor(room / 60)));
  const labelWidth = Math.max(...candidates.map((d) => monthLabel(d).length)) * CHAR_WIDTH + 16;
  const every = Math.max(1, Math.ceil(candidates.length / Math.max(1, Math.floor(room / labelWidth))));
  const monthTicks = candidates.filter((_, i) => i % every === 0);
  const parts: string[] = [svgOpen(frame), `<g stroke="${GRID}">`];
  for (const t of y.ticks)
    parts.push(`<line x1="${frame.marginLeft}" x2="${frame.width - frame.marginRight}" y1="${f(y.scale(t))}" y2="${f(y.scale(t))}"/>`);
  parts.push('</g><g>');
  for (const t of y.ticks) parts.push(text(frame.marginLeft - 6, y.scale(t), format(t), 'end'));
  parts.push(`</g><g stroke="${AXIS}">`);
  for (const d of monthTicks)
    parts.push(`<line x1="${f(x(d))}" x2="${f(x(d))}" y1="${frame.height - bottom}" y2="${frame.height - bottom + 6}"/>`);
  parts.push('</g><g>');
  for (const d of monthTicks) parts.push(text(x(d), frame.height - bottom + 18, monthLabel(d), 'middle'));
  parts.push('</g>');
  for (const s of series) {
    const points = s.values.map((v) => [x(new Date(`${v.month}-01T00:00:00Z`)), y.scale(v.value)] as const);
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" points="${points.map(([px, py]) => `${f(px)},${f(py)}`).join(' ')}"/>`,
      `<g fill="${s.color}">`,
      ...points.map(([px, py]) => `<circle cx="${f(px)}" cy="${f(py)}" r="2.5"/>`),
      '</g>',
    );
  }
  parts.push(
    `<line x1="${frame.marginLeft}" x2="${frame.width - frame.marginRight}" y1="${f(y.scale(0))}" y2="${f(y.scale(0))}" stroke="${AXIS}"/>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
