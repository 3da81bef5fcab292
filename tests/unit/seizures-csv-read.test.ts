/**
 * The import reads a well-formed CSV file in one walk over the text and leaves everything else to
 * csv-parse: the two readings must give the same records and the same starting line for each
 * record, on seeded random files with quoted cells, delimiters and line breaks inside cells, blank
 * lines, empty cells and missing final line breaks; and the walk must decline (null) every file
 * csv-parse refuses, so the refusal keeps csv-parse's message and line.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#db/seed/seizures.ts';
import { csvParseRecords, parseCsvRows, wellFormedRecords } from '#src/server/seizures/file-read.ts';

function randomFile(rng: () => number, delimiter: string): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)] as T;
  const plain = () => Array.from({ length: Math.floor(rng() * 6) }, () => pick(['a', 'b', 'é', 'Ñ', '1', ' ', '-', '.', '\t'])).join('');
  const quoted = () =>
    `"${Array.from({ length: Math.floor(rng() * 6) }, () => pick(['x', '""', delimiter, '\n', ' ', ',', ';', 'ü'])).join('')}"`;
  const lines: string[] = [];
  const count = 1 + Math.floor(rng() * 6);
  for (let r = 0; r < count; r++) {
    const roll = rng();
    if (roll < 0.08) lines.push('');
    else if (roll < 0.11) lines.push(pick([' ', '  ', '\t']));
    else {
      const cells = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => {
        const kind = rng();
        if (kind < 0.03) return 'a"b'; // a stray quote
        if (kind < 0.06) return '"a"b'; // text after a closing quote
        if (kind < 0.08) return '"open'; // never closed
        if (kind < 0.12) return ' "a"'; // a blank before the quote
        return kind < 0.5 ? quoted() : plain();
      });
      lines.push(cells.join(delimiter));
    }
  }
  return lines.join('\n') + (rng() < 0.7 ? '\n' : '');
}

describe('reading CSV records', () => {
  it('gives csv-parse’s records and lines for every file it reads, and declines every file csv-parse refuses', () => {
    const rng = mulberry32(2026);
    let read = 0;
    let declined = 0;
    let refused = 0;
    for (let i = 0; i < 4_000; i++) {
      const delimiter = [',', ';', '\t'][i % 3] as string;
      const text = randomFile(rng, delimiter);
      const fast = wellFormedRecords(text, delimiter);
      let slow: ReturnType<typeof csvParseRecords> | Error;
      try {
        slow = csvParseRecords(text, delimiter);
      } catch (e) {
        slow = e as Error;
      }
      if (slow instanceof Error) refused++;
      if (fast === null) {
        declined++;
        continue;
      }
      read++;
      expect(slow, JSON.stringify(text)).not.toBeInstanceOf(Error);
      expect(fast, JSON.stringify(text)).toEqual(slow);
    }
    // Most files are read by the walk; csv-parse refuses a good share of the others.
    expect(read).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(300);
    expect(declined).toBeGreaterThanOrEqual(refused);
  });

  it('names the file line of a row after blank lines and multi-line cells, on both readings', () => {
    const file = 'reference,date,state,agency,case_file\n\nR-1,2023-05-04,MX-TAM,FGR,"CF\n1"\n\n\nR-2,2023-05-04,MX-TAM,FGR,CF-2\n';
    expect(wellFormedRecords(file, ',')?.lines).toEqual([1, 3, 7]);
    expect(csvParseRecords(file, ',').lines).toEqual([1, 3, 7]);
    expect(parseCsvRows(file).rows.map((r) => r.row)).toEqual([3, 7]);
  });

  it('leaves a malformed file to csv-parse: its message and line', () => {
    const file = 'reference,date,state,agency,case_file\nR-1,2023-05-04,MX-TAM,FGR,CF-1\nR-2,2023-"05-04,MX-TAM,FGR,CF-2\n';
    expect(wellFormedRecords(file, ',')).toBeNull();
    const { errors } = parseCsvRows(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 3, column: null, code: 'import.error.bad_format' });
    expect(errors[0]?.params.detail).toMatch(/quote/i);
  });
});
