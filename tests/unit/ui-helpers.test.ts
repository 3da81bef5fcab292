import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyLabel } from '#src/lib/agencies.ts';
import { facetInputIds } from '#src/components/seizures/labels.ts';
import { countryName, formatInputDate, formatList, isMessageKey, parseLocalDate } from '#src/i18n/index.ts';
import { mapClasses, monthRange } from '#src/server/charts.ts';
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
