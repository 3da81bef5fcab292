/**
 * Charts rendered on the server as SVG strings (src/server/svg-chart.ts; no DOM, no inline styles:
 * src/styles/charts.css styles them). Every chart has a table equivalent on the page that shows it.
 */
import mexicoMap from '@svg-maps/mexico';
import { dateTimeFormat, numberFormat } from '#src/i18n/locale.ts';
import { escapeHtml } from './html.ts';
import { horizontalBars, monthLineChart } from './svg-chart.ts';

// The package's types point at a module that is not published; this is the shape it ships.
const mexico = mexicoMap as unknown as { viewBox: string; locations: { id: string; name: string; path: string }[] };

export const CHART_COLORS = ['#1a4480', '#c05600', '#00a398', '#8168b3', '#e5a000', '#d83933', '#5c5c5c'];

/** Sequential blues, light to dark, for counts from 1 to max (0 is grey). */
const STEPS = ['#d9e8f6', '#aacdec', '#73b3e7', '#4f97d1', '#2378c3', '#1a4480', '#162e51'];
const stepOf = (value: number, max: number) =>
  Math.min(STEPS.length - 1, Math.floor((Math.sqrt(value) / Math.sqrt(max)) * (STEPS.length - 1) + 0.5));
function shade(value: number, max: number): string {
  if (value <= 0 || max <= 0) return '#f0f0f0';
  return STEPS[stepOf(value, max)] ?? STEPS[0]!;
}

/**
 * Every colour the map can use for whole counts up to `max` (step 0 is grey, 1–7 the blues of
 * charts.css .portal-map-key__swatch--N), with the range of counts it stands for: 0, 1–3, 4–9 …
 * Steps no whole count falls in are left out, so the legend and the map agree.
 */
export function mapClasses(max: number): { step: number; from: number; to: number }[] {
  const classes: { step: number; from: number; to: number }[] = [{ step: 0, from: 0, to: 0 }];
  for (let v = 1; v <= max; v++) {
    const step = stepOf(v, max) + 1;
    const last = classes.at(-1)!;
    if (last.step === step) last.to = v;
    else classes.push({ step, from: v, to: v });
  }
  return classes;
}

/**
 * A choropleth of Mexico's 32 states (outline data: @svg-maps/mexico, CC BY 4.0). `values` is
 * keyed by ISO 3166-2 code (MX-TAM). Each state carries a <title> with its name and value, so the
 * map reads out in a screen reader as well as on hover.
 */
export function mexicoChoropleth(
  values: Map<string, number>,
  names: Map<string, string>,
  label: string,
  format: (n: number) => string,
  options: { legend?: boolean } = {},
): string {
  const max = Math.max(0, ...values.values());
  const paths = mexico.locations
    .map((loc) => {
      const code = `MX-${loc.id.toUpperCase()}`;
      const value = values.get(code) ?? 0;
      const name = names.get(code) ?? loc.name;
      return `<path d="${loc.path}" fill="${shade(value, max)}" class="portal-map__state" data-state="${code}"><title>${escapeHtml(`${name}: ${format(value)}`)}</title></path>`;
    })
    .join('');
  // The page shows the legend as HTML (mapClasses): readable at any width, and read out as a list.
  void options;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${mexico.viewBox}" role="img" aria-label="${escapeHtml(label)}" class="portal-chart__svg portal-map">${paths}</svg>`;
}

/** Horizontal bars, largest first as given; `label` names the chart for screen readers. */
export function barChart(rows: { label: string; value: number }[], label: string, locale: string): string {
  const longest = Math.max(8, ...rows.map((r) => r.label.length));
  const number = numberFormat(locale);
  return horizontalBars(
    {
      // Drawn at about the width of its column, so 14 px text is not scaled down to 8 px.
      width: 480,
      height: Math.max(120, 30 * rows.length + 40),
      marginLeft: Math.min(220, 10 + longest * 7.5),
      marginRight: 48,
      label,
    },
    rows.map((r) => ({ label: r.label, values: [r.value] })),
    [CHART_COLORS[0]!],
    (n) => number.format(n),
    { valueText: true },
  );
}

/** Every month from the first to the last as YYYY-MM, so a month without seizures is a zero, not a gap. */
export function monthRange(first: string, last: string): string[] {
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  const [ly, lm] = last.split('-').map(Number) as [number, number];
  while (y < ly || (y === ly && m <= lm)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return months;
}

/**
 * Monthly series as lines, one per series name, coloured CHART_COLORS in order; the page shows
 * the legend (end-of-line labels collided when two series ended close together).
 */
export function monthLines(rows: { month: string; series: string; value: number }[], label: string, locale: string): string {
  const names = [...new Set(rows.map((r) => r.series))];
  const number = numberFormat(locale);
  const month = dateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' });
  return monthLineChart(
    { width: 960, height: 320, marginLeft: 56, marginRight: 24, label },
    names.map((name, i) => ({
      values: rows.filter((r) => r.series === name).map((r) => ({ month: r.month, value: r.value })),
      color: CHART_COLORS[i % CHART_COLORS.length]!,
    })),
    (n) => number.format(n),
    (d) => month.format(d),
  );
}
