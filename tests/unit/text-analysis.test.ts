import { describe, expect, it } from 'vitest';
import {
  analyseQuery,
  analyseText,
  canonicalCalibre,
  editDistance,
  firearmTypeOf,
  glossarySynonyms,
  highlight,
  highlightTerms,
  resolvePlace,
  SpellingDictionary,
  stemKey,
  SynonymSet,
} from '#src/server/text/index.ts';
import { termVariants } from '#src/server/text/synonyms.ts';

describe('text analysis', () => {
  it('gives singular, plural and both languages one stem key', () => {
    expect(new Set(['pistola', 'pistolas', 'pistol', 'pistols'].map(stemKey)).size).toBe(1);
    expect(stemKey('fusiles')).toBe(stemKey('fusil'));
    expect(stemKey('rifles')).toBe(stemKey('rifle'));
    expect(stemKey('borrada')).toBe(stemKey('borrado'));
    expect(stemKey('armas')).toBe(stemKey('arma'));
    // Codes are not stemmed.
    expect(stemKey('le123456')).toBe('le123456');
  });

  it('finds calibres and model families in text however they are written', () => {
    const { concepts } = analyseText('Aseguraron un cuerno de chivo 7,62 x 39 mm y una pistola .38 Súper');
    expect(concepts).toEqual(expect.arrayContaining(['family:ak', 'calibre:762x39', 'calibre:38super', 'type:pistol']));
    // A bare number in text is not a calibre ("600 cartuchos", "km 223").
    expect(analyseText('km 223, 762 cartuchos').concepts).toEqual([]);
  });

  it('normalises calibres, firearm types and places for import', () => {
    for (const v of ['7.62x39', '7,62 x 39 mm', '7.62×39mm', '762x39']) expect(canonicalCalibre(v), v).toBe('7.62x39');
    for (const v of ['9 mm', '9x19', '9 mm Parabellum', '9mm Luger']) expect(canonicalCalibre(v), v).toBe('9mm');
    expect(canonicalCalibre('cal. 45')).toBe('.45 ACP');
    expect(canonicalCalibre('.300 Blackout')).toBeNull();
    expect(firearmTypeOf('Subfusil')).toBe('submachine_gun');
    expect(firearmTypeOf('Subametralladora')).toBe('submachine_gun');
    expect(firearmTypeOf('handgun')).toBeNull();
    const places: [string, string][] = [
      ['Michoacán de Ocampo', 'MX-MIC'],
      ['Coahuila de Zaragoza', 'MX-COA'],
      ['Veracruz de Ignacio de la Llave', 'MX-VER'],
      ['CDMX', 'MX-CMX'],
      ['Distrito Federal', 'MX-CMX'],
      ['Edomex', 'MX-MEX'],
      ['Tamps.', 'MX-TAM'],
      ['TX', 'US-TX'],
      ['Petén', 'GT-PE'],
      ['Cayo District', 'BZ-CY'],
      ['Usulután', 'SV-US'],
    ];
    for (const [v, code] of places) expect(resolvePlace(v)?.code, v).toBe(code);
    expect(resolvePlace('Santa Ana', 'SV')?.code).toBe('SV-SA');
    expect(resolvePlace('Narnia')).toBeNull();
  });

  it('parses phrases, exclusions and OR, and treats engine operators as words', () => {
    const q = analyseQuery('"tipo AK" -glock pistola OR revolver NEAR(x*) ciudad de mexico');
    expect(q.groups.map((g) => g.map((c) => c.tokens.join(' ')))).toEqual([
      ['tipo ak'],
      ['pistola', 'revolver'],
      ['near x'],
      ['ciudad de mexico'],
    ]);
    expect(q.groups[0]?.[0]?.quoted).toBe(true);
    expect(q.excluded.map((c) => c.tokens)).toEqual([['glock']]);
    expect(q.groups[3]?.[0]?.concepts).toEqual(['place:MX-CMX']);
    expect(
      analyseQuery('armas de fuego', glossarySynonyms())
        .groups.flat()
        .map((c) => c.tokens.join(' ')),
    ).toEqual(['armas de fuego']);
    // ".223" is a calibre, not a serial prefix; "1974AB" may start a serial.
    expect(analyseQuery('.223').groups[0]?.[0]).toMatchObject({
      concepts: ['calibre:223rem'],
      related: ['calibre:556x45'],
      serialPrefix: null,
    });
    expect(analyseQuery('1974-AB').groups[0]?.[0]?.serialPrefix).toBe('1974ab');
  });

  it('takes synonyms from the glossary, in both directions', () => {
    const syn = glossarySynonyms();
    const words = (text: string) => analyseQuery(text, syn).groups[0]?.[0]?.synonyms.map((s) => s.tokens.join(' ')) ?? [];
    expect(words('obliterated')).toEqual(expect.arrayContaining(['numero de serie borrado', 'borrado']));
    expect(words('rastreo')).toContain('trace');
    expect(words('trace')).toContain('rastreo');
    expect(termVariants('armazón / cajón de mecanismos')).toEqual(['armazón', 'cajón de mecanismos']);
    expect(termVariants('Centro Nacional de Rastreo (NTC)')).toEqual(['Centro Nacional de Rastreo', 'NTC']);
    const set = new SynonymSet([['a b', 'c']]);
    expect(set.expand([0]).map((s) => s.tokens)).toEqual([['a', 'b'], ['c']]);
  });

  it('corrects a word from a dictionary: one edit up to 7 letters, two beyond, swaps count once', () => {
    expect(editDistance('michoacna', 'michoacan', 2)).toBe(1);
    expect(editDistance('abcd', 'wxyz', 1)).toBe(2);
    const dict = new SpellingDictionary([
      ['michoacan', 200],
      ['kalashnikov', 1],
      ['reynosa', 300],
      ['reinosa', 1],
    ]);
    expect(dict.suggest('michoacna')?.term).toBe('michoacan');
    expect(dict.suggest('kalashnikof')?.term).toBe('kalashnikov');
    expect(dict.suggest('reynoza')?.term).toBe('reynosa');
    expect(dict.suggest('abc')).toBeNull();
    expect(dict.suggest('zzzzzz')).toBeNull();
  });

  it('highlights matches in escaped HTML, phrases and vocabulary as one mark', () => {
    const terms = highlightTerms(analyseQuery('cdmx ak47 <b>'));
    const h = highlight('En Ciudad de México <b>aseguraron</b> un fusil tipo AK.', terms);
    expect(h.html).toBe(
      'En <mark>Ciudad de México</mark> &lt;<mark>b</mark>&gt;aseguraron&lt;/<mark>b</mark>&gt; un fusil <mark>tipo AK</mark>.',
    );
    expect(h.matched).toBe(true);
    const long = highlight(`${'palabra '.repeat(60)}Reynosa ${'final '.repeat(40)}`, highlightTerms(analyseQuery('reynosa')), 120);
    expect(long.html.startsWith('…')).toBe(true);
    expect(long.html).toContain('<mark>Reynosa</mark>');
  });
});
