import type { APIRoute } from 'astro';
import { templateCsv } from '#src/server/seizures/import.ts';

/** The import template, with headers in Spanish or English (?lang=). */
export const GET: APIRoute = ({ url, locals }) => {
  const lang = url.searchParams.get('lang') === 'en' ? 'en' : url.searchParams.get('lang') === 'es' ? 'es' : locals.lang;
  return new Response(templateCsv(lang), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${lang === 'es' ? 'plantilla-aseguramientos' : 'seizures-template'}.csv"`,
    },
  });
};
