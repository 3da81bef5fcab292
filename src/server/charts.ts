/**
 * Charts rendered on the server as SVG (Observable Plot over linkedom's DOM). The CSP allows no
 * inline styles, so Plot's <style> elements and style attributes are stripped; src/styles/charts.css
 * styles them. Every chart has a table equivalent on the page that shows it.
 */
import * as Plot from '@observablehq/plot';
import mexicoMap from '@svg-maps/mexico';
import { parseHTML } from 'linkedom';
import { dateTimeFormat, numberFormat } from '#src/i18n/locale.ts';
import { LruCache } from './cache.ts';
import { escapeHtml } from './html.ts';

// The package's types point at a module that is not published; this is the shape it ships.
const mexico = mexicoMap as unknown as { viewBox: string; locations: { id: string; name: string; path: string }[] };

export const CHART_COLORS = ['#1a4480', '#c05600', '#00a398', '#8168b3', '#e5a000', '#d83933', '#5c5c5c'];

// Rendering a chart builds a whole DOM (linkedom) and takes tens of milliseconds of event loop;
// the same figures give the same markup, so charts are kept by their inputs (bounded).
const rendered = new LruCache<string>(300);

function memoChart(kind: string, input: unknown, render: () => string): string {
  const key = `${kind}\u0000${JSON.stringify(input)}`;
  let svg = rendered.get(key);
  if (svg === undefined) {
    svg = render();
    rendered.set(key, svg);
  }
  return svg;
}

/** Plot.plot with a server-side document; returns the SVG markup. */
export function plotSvg(options: Plot.PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const plot = Plot.plot({ ...options, document: document }) as unknown as Element;
  const svg = plot.tagName.toLowerCase() === 'svg' ? plot : (plot.querySelector('svg') ?? plot);
  for (const style of [...svg.querySelectorAll('style')]) style.remove();
  for (const el of [svg, ...svg.querySelectorAll('[style]')]) el.removeAttribute('style');
  // Plot writes font-variant as an SVG attribute, which SVG does not have: charts.css sets it.
  for (const el of [svg, ...svg.querySelectorAll('[font-variant]')]) el.removeAttribute('font-variant');
  // The chart is one image (role=img with its label); Plot's labels on inner groups are not allowed there.
  for (const el of svg.querySelectorAll('[aria-label], [aria-description], [aria-hidden]')) {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
    el.removeAttribute('aria-hidden');
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'portal-chart__svg');
  return svg.outerHTML;
}

/** Sequential blues, light to dark, for counts from 0 to max. */
function shade(value: number, max: number): string {
  if (value <= 0 || max <= 0) return '#f0f0f0';
  const steps = ['#d9e8f6', '#aacdec', '#73b3e7', '#4f97d1', '#2378c3', '#1a4480', '#162e51'];
  const index = Math.min(steps.length - 1, Math.floor((Math.sqrt(value) / Math.sqrt(max)) * (steps.length - 1) + 0.5));
  return steps[index] ?? steps[0]!;
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
  const legend =
    options.legend === false
      ? ''
      : [0, 0.25, 0.5, 0.75, 1]
          .map((f, i) => {
            const v = Math.round(max * f * f);
            return `<g transform="translate(${10 + i * 58},440)"><rect width="24" height="14" fill="${shade(v, max)}" stroke="#565c65"/><text x="30" y="12" class="portal-map__legend">${escapeHtml(format(v))}</text></g>`;
          })
          .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${mexico.viewBox}" role="img" aria-label="${escapeHtml(label)}" class="portal-chart__svg portal-map">${paths}${legend}</svg>`;
}

/** Horizontal bars, largest first as given; `label` names the chart for screen readers. */
export function barChart(rows: { label: string; value: number }[], label: string, locale: string): string {
  return memoChart('bar', [rows, label, locale], () => renderBarChart(rows, label, locale));
}

function renderBarChart(rows: { label: string; value: number }[], label: string, locale: string): string {
  const longest = Math.max(8, ...rows.map((r) => r.label.length));
  const number = numberFormat(locale);
  return plotSvg({
    width: 640,
    height: Math.max(120, 28 * rows.length + 40),
    marginLeft: Math.min(260, 8 + longest * 6.5),
    marginRight: 48,
    ariaLabel: label,
    x: { grid: true, label: null, tickFormat: (d: number) => number.format(d) },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.barX(rows, { x: 'value', y: 'label', fill: CHART_COLORS[0] }),
      Plot.text(rows, {
        x: 'value',
        y: 'label',
        text: (r: { value: number }) => number.format(r.value),
        dx: 4,
        textAnchor: 'start',
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** Monthly series as lines, one per series name. */
export function monthLines(rows: { month: string; series: string; value: number }[], label: string, locale: string): string {
  return memoChart('months', [rows, label, locale], () => renderMonthLines(rows, label, locale));
}

function renderMonthLines(rows: { month: string; series: string; value: number }[], label: string, locale: string): string {
  const data = rows.map((r) => ({ ...r, date: new Date(`${r.month}-01T00:00:00Z`) }));
  const series = [...new Set(rows.map((r) => r.series))];
  const number = numberFormat(locale);
  const month = dateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' });
  return plotSvg({
    width: 900,
    height: 300,
    marginLeft: 56,
    marginRight: 90,
    ariaLabel: label,
    x: {
      type: 'utc',
      label: null,
      tickFormat: (d: Date) => month.format(d),
    },
    y: { grid: true, label: null, tickFormat: (d: number) => number.format(d) },
    color: { domain: series, range: CHART_COLORS.slice(0, series.length) },
    marks: [
      Plot.lineY(data, { x: 'date', y: 'value', stroke: 'series', strokeWidth: 2 }),
      Plot.dot(data, { x: 'date', y: 'value', fill: 'series', r: 2.5 }),
      // Series names at the end of their lines stand in for a legend.
      Plot.text(data, Plot.selectLast({ x: 'date', y: 'value', z: 'series', text: 'series', fill: 'series', dx: 6, textAnchor: 'start' })),
      Plot.ruleY([0]),
    ],
  });
}
