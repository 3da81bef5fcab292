/**
 * A request opened from a seizure gets a generated subject ("Aseguramiento FGR-2026-0001"). It is
 * stored in the writer's language, but it is our wording, not theirs: every reader (inbox,
 * detail, print, notifications, e-mail) sees it in their own language. Typed subjects stay as typed.
 */
import { LANGS, translate, type Lang } from '#src/i18n/index.ts';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = LANGS.map((l) => new RegExp(`^${escape(translate(l, 'requests.subject.seizure')).replace('\\{reference\\}', '(\\S+)')}$`));

export function seizureSubject(reference: string, lang: Lang): string {
  return translate(lang, 'requests.subject.seizure', { reference });
}

export function localSubject(subject: string, lang: Lang): string {
  for (const re of patterns) {
    const match = re.exec(subject.trim());
    if (match?.[1]) return seizureSubject(match[1], lang);
  }
  return subject;
}
