import type { Translate } from '#src/i18n/index.ts';
import type { Lang } from '#src/i18n/locale.ts';

/** Human file sizes in the reader's language. */
export function formatSize(bytes: number, lang: Lang, t: Translate): string {
  const nf = (n: number, digits: number) =>
    new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US', { maximumFractionDigits: digits }).format(n);
  if (bytes < 1024) return t('documents.size.bytes', { n: nf(bytes, 0) });
  if (bytes < 1024 * 1024) return t('documents.size.kb', { n: nf(bytes / 1024, 0) });
  return t('documents.size.mb', { n: nf(bytes / 1024 / 1024, 1) });
}

/** The display title of a document in a language (the other language's, then the file name). */
export function titleIn(d: { titleEs: string | null; titleEn: string | null; fileName: string }, lang: Lang): string {
  return (lang === 'es' ? (d.titleEs ?? d.titleEn) : (d.titleEn ?? d.titleEs)) ?? d.fileName;
}

/** The file's type as people name it (PDF, XLSX…): the extension, which the intake made agree with the sniffed bytes. */
export function fileTypeLabel(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toUpperCase() : '—';
}
