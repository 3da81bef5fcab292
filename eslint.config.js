// @ts-check
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The rooms of ../shared/DESIGN.md, kept by the linter rather than by memory:
 * which folder may import which. Each entry: files, then the import patterns they may not use.
 */
const DB = {
  regex: '^(#db/|drizzle-orm|@libsql/|libsql$)|/db/',
  message: 'Pages, actions, components and web helpers never touch the database: call src/server.',
};
const CLIMB = { regex: '^\\.\\./\\.\\./', message: 'Use the #src/, #db/, #tests/ or #scripts/ import alias instead of climbing folders.' };
const WEB = {
  regex: '^(astro|astro:.*|@astrojs/.*)$|^#src/(pages|actions|components|layouts|lib|middleware)',
  message: 'src/server is plain TypeScript: no Astro, pages, actions, components or web helpers.',
};

/**
 * @param {Array<{ regex: string, message: string, importNames?: string[] }>} patterns
 * @returns {import('eslint').Linter.RulesRecord}
 */
function forbid(patterns, allowTypeImports = false) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ ...p, allowTypeImports })) }] };
}

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.astro/', 'data/', 'tmp/', 'db/migrations/'] },
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  // Type-aware rules (promises above all: a forgotten await loses a write or an error). TypeScript
  // files only: the TypeScript project service cannot read .astro files, whose frontmatter
  // `astro check` type-checks.
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // libSQL's cell type includes ArrayBuffer for BLOB columns; the portal stores no BLOBs, so
      // String(row.x) on a libSQL value is a real string.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] }],
    },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
      // Dependencies are parsed too (for the cycle check): TypeScript files need the TypeScript parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'], 'astro-eslint-parser': ['.astro'] },
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs', '.astro'],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      ...forbid([CLIMB]),
    },
  },
  // Web layer: pages, actions, components, layouts, web helpers, client scripts, dictionaries.
  {
    files: ['src/pages/**', 'src/actions/**', 'src/lib/**', 'src/i18n/**', 'src/scripts/**', 'src/middleware.ts'],
    rules: forbid([CLIMB, DB]),
  },
  // Components render what they are given: no I/O, so nothing from src/server but types and the access check.
  {
    files: ['src/components/**', 'src/layouts/**'],
    rules: forbid(
      [
        CLIMB,
        DB,
        {
          regex: '^#src/server/(?!access\\.ts$)',
          message: 'Components do no I/O: the page loads, the component renders (import types only).',
        },
        // The web helpers that read files or collections: pages call them, components get their results.
        {
          regex: '^(astro:content|#src/lib/attachments\\.ts|node:fs.*|fs.*)$',
          message: 'Components do no I/O: the page loads, the component renders (import types only).',
        },
        {
          regex: '^#src/lib/content\\.ts$',
          importNames: ['visibleItems', 'findItem', 'lessonsOf', 'loadListing'],
          message: 'Components do no I/O: the page loads (visibleItems, findItem, lessonsOf, loadListing), the component renders.',
        },
      ],
      true,
    ),
  },
  { files: ['src/server/**'], rules: forbid([CLIMB, WEB]) },
  // Every date-time a reader sees is in the reader's time zone (Astro.locals.timeZone): dates and
  // times are written by src/i18n/locale.ts only (formatDate with the zone), never by the runtime's
  // own zone (toLocale*, a bare Intl.DateTimeFormat, local getters). A moment (a field named …At)
  // formatted without a zone, or a 'datetime'/'moment' style without one, would read in UTC.
  {
    files: ['src/**'],
    ignores: ['src/i18n/locale.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'].map((property) => ({
          property,
          message: 'Format dates and numbers with formatDate/formatNumber of #src/i18n/locale.ts (locale and the reader’s time zone).',
        })),
        ...['getHours', 'getMinutes', 'getDate', 'getDay', 'getMonth', 'getFullYear', 'getTimezoneOffset'].map((property) => ({
          property,
          message: 'Local getters read the server’s time zone: use the getUTC* getters or formatDate with the reader’s zone.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: ":matches(NewExpression, CallExpression)[callee.object.name='Intl'][callee.property.name='DateTimeFormat']",
          message: 'Dates are formatted by #src/i18n/locale.ts (formatDate, dateTimeFormat): one place decides locale and time zone.',
        },
        {
          selector: "CallExpression[callee.name='formatDate'][arguments.length<4][arguments.2.value=/^(datetime|moment)$/]",
          message: 'A moment is shown in the reader’s time zone: pass Astro.locals.timeZone (ctx.locals.timeZone) as the fourth argument.',
        },
        {
          selector: "CallExpression[callee.name='formatDate'][arguments.length<4][arguments.0.property.name=/At$/]",
          message: 'A moment (…At) is shown in the reader’s time zone, its date too: formatDate(x, lang, style, Astro.locals.timeZone).',
        },
      ],
    },
  },
  // db/schema imports nothing of ours but the plain constants of src/domain.
  {
    files: ['db/schema/**'],
    rules: forbid([CLIMB, { regex: '^#(?!src/domain/)', message: 'db/schema imports nothing of ours except src/domain.' }]),
  },
  {
    files: ['src/domain/**'],
    rules: forbid([{ regex: '^(#|\\.\\./|[a-z@])', message: 'src/domain holds plain constants and imports nothing.' }]),
  },
);
