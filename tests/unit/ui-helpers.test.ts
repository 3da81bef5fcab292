import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyLabel } from '#src/lib/agencies.ts';
import { facetInputIds } from '#src/components/seizures/labels.ts';
import { countryName, formatInputDate, formatList, isMessageKey, parseLocalDate } from '#src/i18n/index.ts';
import { parseHTML } from 'linkedom';
import { barChart, mapClasses, monthLines, monthRange } from '#src/server/charts.ts';
import { localSubject, seizureSubject } from '#src/server/requests/subject.ts';

describe('agency labels name each agency once', () => {
  it('drops the code from the parentheses and keeps the rest', () => {
    expect(agencyLabel('FGR', 'Fiscalía General de la República (FGR)')).toBe('FGR — Fiscalía General de la República');
    expect(agencyLabel('CENAPI', 'Centro Nacional de Planeación (CENAPI, FGR)')).toBe('CENAPI — Centro Nacional de Planeación (FGR)');
    expect(agencyLabel('ICE-HSI', 'ICE Homeland Security Investigations (HSI)')).toBe('ICE-HSI — ICE Homeland Security Investigations');
    expect(agencyLabel('MP-GT', 'Public Prosecutor’s Office of Guatemala (Ministerio Público)')).toBe(
      'MP-GT — Public Prosecutor’s Office of Guatemala (Ministerio Público)',
    );
    expect(agencyLabel('BPD', 'Belize Police Department')).toBe('BPD — Belize Police Department');
    expect(agencyLabel('XYZ', undefined)).toBe('XYZ');
  });
});

describe('facet checkbox ids', () => {
  it('are valid HTML ids, stable, and distinct when values fold alike', () => {
    const ids = facetInputIds('calibre', ['.38 Super', '38 Super', 'pistol', 'Smith & Wesson', 'Ñandú']);
    expect([...ids.values()]).toEqual([
      'f-calibre-38-Super',
      'f-calibre-38-Super-2',
      'f-calibre-pistol',
      'f-calibre-Smith-Wesson',
      'f-calibre-Nandu',
    ]);
    for (const id of ids.values()) expect(id).toMatch(/^[A-Za-z][\w-]*$/);
  });
});

describe('dates typed in forms', () => {
  it('read in the page language order, or ISO; impossible days are refused', () => {
    expect(parseLocalDate('05/02/2026', 'es')).toBe('2026-02-05');
    expect(parseLocalDate('05/02/2026', 'en')).toBe('2026-05-02');
    expect(parseLocalDate('5-2-2026', 'es')).toBe('2026-02-05');
    expect(parseLocalDate('2026-02-05', 'en')).toBe('2026-02-05');
    expect(parseLocalDate('31/02/2026', 'es')).toBeNull();
    expect(parseLocalDate('02/31/2026', 'en')).toBeNull();
    expect(parseLocalDate('ayer', 'es')).toBeNull();
    expect(formatInputDate('2026-02-05', 'es')).toBe('05/02/2026');
    expect(formatInputDate('2026-02-05', 'en')).toBe('02/05/2026');
  });
});

describe('words for codes', () => {
  it('countries by name, lists as a phrase', () => {
    expect(countryName('RS', 'es')).toBe('Serbia');
    expect(countryName('DE', 'en')).toBe('Germany');
    expect(countryName('DE', 'es')).toBe('Alemania');
    expect(formatList(['ATF', 'FGR'], 'es')).toBe('ATF y FGR');
    expect(formatList(['ATF', 'FGR', 'SEDENA'], 'en')).toBe('ATF, FGR, and SEDENA');
  });

  it('a generated request subject reads in the reader language; a typed one stays', () => {
    expect(seizureSubject('FGR-2026-000001', 'es')).toBe('Aseguramiento FGR-2026-000001');
    expect(localSubject('Seizure FGR-2026-000001', 'es')).toBe('Aseguramiento FGR-2026-000001');
    expect(localSubject('Aseguramiento FGR-2026-000001', 'en')).toBe('Seizure FGR-2026-000001');
    expect(localSubject('Seizure in Reynosa: trace the rifles', 'es')).toBe('Seizure in Reynosa: trace the rifles');
  });

  it('every audit action written anywhere in src/ has a label in both dictionaries', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|astro)$/.test(name)) files.push(path);
      }
    };
    walk('src');
    const actions = new Set<string>();
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)) actions.add(m[1]!);
      for (const m of readFileSync(file, 'utf8').matchAll(/'((?:admin|auth)\.user_(?:disabled|enabled))'/g)) actions.add(m[1]!);
    }
    expect(actions.size).toBeGreaterThan(15);
    expect([...actions].filter((a) => !isMessageKey(`audit.action.${a}`))).toEqual([]);
  });
});

describe('charts', () => {
  it('months run without gaps across years', () => {
    expect(monthRange('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthRange('2025-03', '2025-03')).toEqual(['2025-03']);
  });

  /** The chart as a document, and the words it shows (tick and bar labels). */
  const svgOf = (markup: string) => {
    const { document } = parseHTML(`<!doctype html><html><body>${markup}</body></html>`);
    const svg = document.querySelector('svg')!;
    return { svg, words: [...svg.querySelectorAll('text')].map((t) => t.textContent) };
  };

  it('bar charts are one named image whose labels, bars and round ticks follow the figures and the locale', () => {
    const rows = [
      { label: 'Fusil', value: 1234 },
      { label: 'Pistola', value: 800 },
      { label: 'Escopeta <calibre 12>', value: 0 },
    ];
    const markup = barChart(rows, 'Armas por tipo', 'es-MX');
    expect(markup).not.toMatch(/style=|<style/);
    const { svg, words } = svgOf(markup);
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('Armas por tipo');
    // Every category named (escaped), each bar's figure after it, ticks at round numbers from 0.
    for (const w of ['Fusil', 'Pistola', 'Escopeta <calibre 12>', '1,234', '800', '0', '1,000']) expect(words).toContain(w);
    const widths = [...svg.querySelectorAll('rect')].map((r) => Number(r.getAttribute('width')));
    expect(widths).toHaveLength(2);
    expect(widths[0]! / widths[1]!).toBeCloseTo(1234 / 800, 1);
    expect(barChart(rows, 'Firearms by type', 'en-US')).toContain('aria-label="Firearms by type"');
  });

  it('bar chart tick labels never overlap, however long the category names leave the axis', () => {
    // The dashboard's firearm types on the demo data: "Subametralladora" leaves ~300 px for 0–5,000.
    const rows = [
      { label: 'Fusil', value: 4505 },
      { label: 'Pistola', value: 3238 },
      { label: 'Subametralladora', value: 153 },
    ];
    for (const locale of ['es-MX', 'en-US']) {
      const { svg } = svgOf(barChart(rows, 'Armas por tipo', locale));
      const ticks = [...svg.querySelectorAll('text[text-anchor="middle"]')].map((t) => ({
        x: Number(t.getAttribute('x')),
        width: (t.textContent ?? '').length * 7.5,
      }));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < ticks.length; i++) {
        const gap = ticks[i]!.x - ticks[i - 1]!.x - (ticks[i]!.width + ticks[i - 1]!.width) / 2;
        expect(gap, `between ${i - 1} and ${i}`).toBeGreaterThanOrEqual(8);
      }
      // The axis still reaches past the longest bar.
      expect(Math.max(...ticks.map((t) => t.x))).toBeGreaterThanOrEqual(
        Math.max(...[...svg.querySelectorAll('rect')].map((r) => Number(r.getAttribute('x')) + Number(r.getAttribute('width')))) - 0.5,
      );
    }
  });

  it('month lines run through every month given, zeros included, with month ticks in the reader’s language', () => {
    const months = monthRange('2024-01', '2024-12');
    const rows = months.flatMap((month, i) => [
      { month, series: 'Aseguramientos', value: i === 5 ? 0 : i + 1 },
      { month, series: 'Armas', value: 2 * (i + 1) },
    ]);
    const es = svgOf(monthLines(rows, 'Por mes', 'es-MX'));
    const lines = [...es.svg.querySelectorAll('polyline')];
    expect(lines).toHaveLength(2);
    expect(lines[0]!.getAttribute('points')!.split(' ')).toHaveLength(12);
    // The zero month sits on the zero line.
    const zeroY = [...es.svg.querySelectorAll('line[stroke="#1b1b1b"]')].at(-1)?.getAttribute('y1');
    expect(zeroY).toBeTruthy();
    expect(lines[0]!.getAttribute('points')!.split(' ')[5]!.split(',')[1]).toBe(zeroY);
    expect(es.words.some((w) => /^ene(\.)? 24$/.test(w ?? ''))).toBe(true);
    const en = svgOf(monthLines(rows, 'Per month', 'en-US'));
    expect(en.words).toContain('Jan 24');
    expect(en.svg.getAttribute('aria-label')).toBe('Per month');
  });

  it('the map key has one class per colour in use, ranges that meet, ending at the maximum', () => {
    const classes = mapClasses(82);
    expect(classes[0]).toEqual({ step: 0, from: 0, to: 0 });
    for (let i = 1; i < classes.length; i++) expect(classes[i]!.from).toBe(classes[i - 1]!.to + 1);
    expect(classes.at(-1)!.to).toBe(82);
    expect(new Set(classes.map((c) => c.step)).size).toBe(classes.length);
    expect(mapClasses(1)).toEqual([
      { step: 0, from: 0, to: 0 },
      { step: 7, from: 1, to: 1 },
    ]);
  });
});
