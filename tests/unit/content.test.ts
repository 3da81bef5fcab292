import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { COUNTRIES as DB_COUNTRIES } from '#db/schema/agencies.ts';
import { AGENCIES } from '#db/seed/agencies.ts';
import { audienceCovers, checkContent, extractLinks, type Problem } from '#src/server/content/check.ts';
import { AGENCY_CODES, COUNTRIES, bulletinSchema, glossarySchema, protocolSchema } from '#src/content/schemas.ts';

const CONTENT = fileURLToPath(new URL('../../content', import.meta.url));

// ------------------------------------------------------------------ fixture trees
// Each broken fixture is the valid base tree below with one change, written to a temp dir.

type Tree = Record<string, string>;

function md(frontmatter: Record<string, unknown>, body = ''): string {
  return `---\n${stringify(frontmatter)}---\n\n${body}\n`;
}

const bulletinFm = {
  title: 'Boletín',
  summary: 'Resumen',
  published: '2024-03-01',
  agency: 'ATF',
  tags: ['trace', 'seizure'],
  audience: 'public',
  marking: 'UNCLASSIFIED',
};

const protocolFm = {
  ...bulletinFm,
  agency: 'FGR',
  version: '2.0',
  status: 'in-force',
  effective: '2024-04-01',
  meeting: { name: 'GC Armas', place: 'Ciudad de México', start: '2024-02-10', end: '2024-02-11' },
};

const moduleFm = { ...bulletinFm, level: 'basic', durationMinutes: 30, objectives: ['Leer un rastreo'] };

function baseTree(): Tree {
  const links = (lang: string): string =>
    [
      `Vea el [protocolo](/${lang}/protocols/rastreo-v2), la [lección](/${lang}/training/rastreo/introduccion),`,
      `el [módulo](/${lang}/training/rastreo), el [glosario](/${lang}/glossary#serial-number)`,
      `y el [índice](/${lang}/bulletins). [Externo](https://www.atf.gov/) y \`/${lang}/bulletins/en-codigo\`.`,
    ].join('\n');
  return {
    'bulletins/es/alfa.md': md({ ...bulletinFm, attachments: [{ file: 'attachments/lista.txt', title: 'Lista' }] }, links('es')),
    'bulletins/en/alfa.md': md(
      { ...bulletinFm, title: 'Bulletin', tags: ['seizure', 'trace'], attachments: [{ file: 'attachments/lista.txt', title: 'List' }] },
      links('en'),
    ),
    'bulletins/es/solo-espanol.md': md({ ...bulletinFm, audience: ['FGR', 'MX'] }, 'Sin traducción.'),
    'protocols/es/rastreo-v1.md': md({ ...protocolFm, version: '1.0', status: 'superseded', supersededBy: 'rastreo-v2' }),
    'protocols/en/rastreo-v1.md': md({ ...protocolFm, version: '1.0', status: 'superseded', supersededBy: 'rastreo-v2' }),
    'protocols/es/rastreo-v2.md': md(protocolFm, '## Objeto\n\nTexto.'),
    'protocols/en/rastreo-v2.md': md({ ...protocolFm, meeting: { ...protocolFm.meeting, place: 'Mexico City' } }, '## Purpose'),
    'training/es/rastreo.md': md(moduleFm),
    'training/en/rastreo.md': md({ ...moduleFm, objectives: ['Read a trace'] }),
    'training/es/rastreo/01-introduccion.md': md({ title: 'Introducción', order: 1, durationMinutes: 10 }),
    'training/en/rastreo/01-introduccion.md': md({ title: 'Introduction', order: 1, durationMinutes: 10 }),
    'glossary/terms.yaml': stringify([
      { id: 'serial-number', es: 'número de serie', en: 'serial number', definitionEs: 'Def.', definitionEn: 'Def.', category: 'marking' },
      { id: 'trace', es: 'rastreo', en: 'trace', definitionEs: 'Def.', definitionEn: 'Def.', category: 'trace' },
    ]),
    'attachments/lista.txt': 'uno\ndos\n',
  };
}

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function check(tree: Tree): Promise<Problem[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'content-broken-'));
  tempDirs.push(dir);
  for (const [rel, text] of Object.entries(tree)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return checkContent(dir);
}

/** Base tree with one file's frontmatter changed. */
function withFm(rel: string, change: Record<string, unknown>, body?: string): Tree {
  const tree = baseTree();
  const source = tree[rel];
  if (source === undefined) throw new Error(`no fixture file ${rel}`);
  const [, fmText = '', oldBody = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
  const fm = { ...(parseYaml(fmText) as Record<string, unknown>), ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete fm[k];
  tree[rel] = md(fm, body ?? oldBody.trim());
  return tree;
}

function expectProblem(problems: Problem[], file: string, message: string | RegExp): void {
  const match = problems.filter(
    (p) => p.file === file && (typeof message === 'string' ? p.message.includes(message) : message.test(p.message)),
  );
  expect(match, JSON.stringify(problems, null, 2)).toHaveLength(1);
}

// ------------------------------------------------------------------ tests

describe('content schemas', () => {
  it('share their codes with the database seed', () => {
    expect(AGENCY_CODES).toEqual(AGENCIES.map((a) => a.code));
    expect([...COUNTRIES]).toEqual([...DB_COUNTRIES]);
  });

  it('accept the Date objects that Astro’s frontmatter parser produces', () => {
    const parsed = bulletinSchema.parse({ ...bulletinFm, published: new Date('2024-03-01') });
    expect(parsed.published.toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });

  it('reject dates that are not calendar dates', () => {
    for (const published of [2024, '2024-02-30', '01/03/2024']) {
      expect(bulletinSchema.safeParse({ ...bulletinFm, published }).success, String(published)).toBe(false);
    }
  });

  it('reject an unknown agency in an audience list and a superseded protocol without successor', () => {
    expect(bulletinSchema.safeParse({ ...bulletinFm, audience: ['ATF', 'NOPE'] }).success).toBe(false);
    expect(bulletinSchema.safeParse({ ...bulletinFm, audience: [] }).success).toBe(false);
    expect(protocolSchema.safeParse({ ...protocolFm, status: 'superseded' }).success).toBe(false);
  });
});

describe('extractLinks', () => {
  it('finds inline, reference and HTML links but not links inside code', () => {
    const body = '[a](/es/bulletins/x "t") <a href="/en/glossary">g</a>\n[r]: /es/protocols/y\n`[c](/es/no)`\n```\n[d](/es/no2)\n```\n';
    expect(extractLinks(body).sort()).toEqual(['/en/glossary', '/es/bulletins/x', '/es/protocols/y']);
  });
});

describe('audienceCovers', () => {
  it('lets readers of an item follow links only to items they may also see', () => {
    expect(audienceCovers('public', ['FGR'])).toBe(true);
    expect(audienceCovers('members', 'public')).toBe(false);
    expect(audienceCovers('members', ['ATF'])).toBe(true);
    expect(audienceCovers(['MX'], ['FGR', 'SEDENA'])).toBe(true); // agencies inside the country
    expect(audienceCovers(['FGR'], ['MX'])).toBe(false); // a country is wider than one agency
    expect(audienceCovers(['ATF', 'ICE-HSI'], 'members')).toBe(false);
  });
});

describe('checkContent on fixtures', () => {
  it('accepts the valid base tree (including a Spanish-only bulletin)', async () => {
    expect(await check(baseTree())).toEqual([]);
  });

  it('reports an unknown tag', async () => {
    const problems = await check(withFm('bulletins/es/alfa.md', { tags: ['trace', 'guns'] }));
    expectProblem(problems, 'bulletins/es/alfa.md', 'unknown tag "guns"');
  });

  it('reports an unknown agency code', async () => {
    const problems = await check(withFm('protocols/es/rastreo-v2.md', { agency: 'XYZ' }));
    expectProblem(problems, 'protocols/es/rastreo-v2.md', 'unknown agency code "XYZ"');
  });

  it('reports an unknown code in an audience list', async () => {
    const problems = await check(withFm('bulletins/es/solo-espanol.md', { audience: ['FGR', 'PGR'] }));
    expectProblem(problems, 'bulletins/es/solo-espanol.md', 'unknown agency or country code "PGR"');
  });

  it('reports an attachment file that does not exist', async () => {
    const problems = await check(withFm('bulletins/es/alfa.md', { attachments: [{ file: 'attachments/no-existe.csv', title: 'X' }] }));
    expectProblem(problems, 'bulletins/es/alfa.md', 'attachment file not found: attachments/no-existe.csv');
  });

  it('reports broken internal links to bulletins, protocols, lessons, glossary terms and other languages', async () => {
    const body = [
      '[a](/es/bulletins/no-existe)',
      '[b](/es/protocols/rastreo-v3)',
      '[c](/es/training/rastreo/01-introduccion)', // URLs drop the NN- prefix
      '[d](/es/glossary#no-such-term)',
      '[e](/en/bulletins/solo-espanol)', // exists only in Spanish
      '[f](/bulletins/alfa)',
      '[g](../protocols/rastreo-v2.md)',
    ].join('\n');
    const problems = await check(withFm('bulletins/es/alfa.md', {}, body));
    const file = 'bulletins/es/alfa.md';
    expectProblem(problems, file, 'broken link "/es/bulletins/no-existe"');
    expectProblem(problems, file, 'broken link "/es/protocols/rastreo-v3"');
    expectProblem(problems, file, 'broken link "/es/training/rastreo/01-introduccion"');
    expectProblem(problems, file, 'no glossary term with id "no-such-term"');
    expectProblem(problems, file, 'broken link "/en/bulletins/solo-espanol"');
    expectProblem(problems, file, 'lacks the language prefix');
    expectProblem(problems, file, 'relative link "../protocols/rastreo-v2.md"');
    expect(problems).toHaveLength(7);
  });

  it('reports a link from a wider audience to a narrower one', async () => {
    const problems = await check(withFm('bulletins/es/alfa.md', {}, 'Vea [el aviso](/es/bulletins/solo-espanol).'));
    expectProblem(problems, 'bulletins/es/alfa.md', 'narrower audience ([FGR, MX]) than this one (public)');
  });

  it('reports a superseded protocol without supersededBy', async () => {
    const problems = await check(withFm('protocols/es/rastreo-v1.md', { supersededBy: undefined }));
    expectProblem(problems, 'protocols/es/rastreo-v1.md', 'supersededBy is required when status is superseded');
  });

  it('reports a superseded protocol whose successor does not exist', async () => {
    const tree = withFm('protocols/es/rastreo-v1.md', { supersededBy: 'rastreo-v9' });
    Object.assign(tree, {
      'protocols/en/rastreo-v1.md': withFm('protocols/en/rastreo-v1.md', { supersededBy: 'rastreo-v9' })['protocols/en/rastreo-v1.md'],
    });
    const problems = await check(tree);
    expectProblem(problems, 'protocols/es/rastreo-v1.md', 'supersededBy "rastreo-v9" is not an existing protocol in es');
    expect(problems).toHaveLength(2); // the English file too, and no pair disagreement
  });

  it('reports translation pairs whose shared fields disagree', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['bulletins/en/alfa.md', { published: '2024-03-02' }, 'published disagrees'],
      ['bulletins/en/alfa.md', { tags: ['trace'] }, 'tags disagrees'],
      ['bulletins/en/alfa.md', { audience: 'members' }, 'audience disagrees'],
      ['bulletins/en/alfa.md', { marking: 'SBU' }, 'marking disagrees'],
      ['bulletins/en/alfa.md', { agency: 'CBP' }, 'agency disagrees'],
      ['bulletins/en/alfa.md', { updated: '2024-05-01' }, 'updated disagrees'],
      ['protocols/en/rastreo-v2.md', { version: '2.1' }, 'version disagrees'],
      ['protocols/en/rastreo-v2.md', { status: 'draft' }, 'status disagrees'],
      ['protocols/en/rastreo-v2.md', { effective: '2024-04-02' }, 'effective disagrees'],
      ['training/en/rastreo.md', { level: 'advanced' }, 'level disagrees'],
      ['training/en/rastreo.md', { durationMinutes: 45 }, 'durationMinutes disagrees'],
      ['training/en/rastreo/01-introduccion.md', { durationMinutes: 12 }, 'durationMinutes disagrees'],
    ];
    for (const [file, change, message] of cases) {
      expectProblem(await check(withFm(file, change)), file, message);
    }
  });

  it('reports a lesson order that disagrees between languages', async () => {
    // Same file name, different order in English (which also contradicts its 01- prefix).
    const tree = withFm('training/en/rastreo/01-introduccion.md', { order: 3 });
    const problems = await check(tree);
    expectProblem(problems, 'training/en/rastreo/01-introduccion.md', 'order disagrees');
    expectProblem(problems, 'training/en/rastreo/01-introduccion.md', 'does not match the file prefix 01');
  });

  it('reports lesson files without a module, misnamed lessons and bad frontmatter', async () => {
    const tree = baseTree();
    tree['training/es/huerfano/01-leccion.md'] = md({ title: 'Lección', order: 1, durationMinutes: 5 });
    tree['training/es/rastreo/leccion.md'] = md({ title: 'Lección', order: 2, durationMinutes: 5 });
    tree['bulletins/es/sin-frontmatter.md'] = '# Sin frontmatter\n';
    const problems = await check(tree);
    expectProblem(problems, 'training/es/huerfano/01-leccion.md', 'has no module file');
    expectProblem(problems, 'training/es/rastreo/leccion.md', 'lesson files must be named');
    expectProblem(problems, 'bulletins/es/sin-frontmatter.md', 'missing frontmatter');
  });

  it('reports an invalid glossary once, without flagging every glossary link', async () => {
    const tree = baseTree();
    tree['glossary/terms.yaml'] = '- id: trace\n  es: rastreo: mal\n';
    const problems = await check(tree);
    expect(problems).toHaveLength(1);
    expectProblem(problems, 'glossary/terms.yaml', 'invalid YAML');
  });

  it('reports duplicate glossary ids', async () => {
    const tree = baseTree();
    tree['glossary/terms.yaml'] += stringify([
      { id: 'trace', es: 'rastreo', en: 'trace', definitionEs: 'D.', definitionEn: 'D.', category: 'trace' },
    ]);
    expectProblem(await check(tree), 'glossary/terms.yaml', 'duplicate glossary id "trace"');
  });
});

describe('the real content', () => {
  it('has no problems', async () => {
    expect(await checkContent(CONTENT)).toEqual([]);
  });

  it('has the seed items the portal needs', async () => {
    const list = async (dir: string): Promise<string[]> =>
      (await readdir(path.join(CONTENT, dir), { withFileTypes: true }))
        .filter((d) => d.isFile())
        .map((d) => d.name)
        .sort();
    const esBulletins = await list('bulletins/es');
    const enBulletins = await list('bulletins/en');
    expect(esBulletins.length).toBeGreaterThanOrEqual(8);
    // Exactly one bulletin is left untranslated, to show the "translation missing" notice.
    expect(esBulletins.filter((f) => !enBulletins.includes(f))).toHaveLength(1);
    expect(enBulletins.every((f) => esBulletins.includes(f))).toBe(true);

    expect(await list('protocols/es')).toEqual(await list('protocols/en'));
    expect((await list('protocols/es')).length).toBeGreaterThanOrEqual(4);
    const modules = await list('training/es');
    expect(modules).toEqual(await list('training/en'));
    expect(modules.length).toBeGreaterThanOrEqual(4);
    for (const m of modules) {
      const lessons = await list(`training/es/${m.replace(/\.md$/, '')}`);
      expect(lessons.length, m).toBeGreaterThanOrEqual(3);
      expect(lessons).toEqual(await list(`training/en/${m.replace(/\.md$/, '')}`));
    }

    const glossary = glossarySchema.parse(parseYaml(await readFile(path.join(CONTENT, 'glossary/terms.yaml'), 'utf8')));
    expect(glossary.length).toBeGreaterThanOrEqual(60);
  });
});
