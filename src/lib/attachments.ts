/** Files under content/attachments: where they are, their size and a readable type. */
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const ATTACHMENTS_DIR = join(process.cwd(), 'content', 'attachments');

const TYPES: Record<string, { mime: string; label: string }> = {
  '.csv': { mime: 'text/csv; charset=utf-8', label: 'CSV' },
  '.txt': { mime: 'text/plain; charset=utf-8', label: 'TXT' },
  '.pdf': { mime: 'application/pdf', label: 'PDF' },
  '.md': { mime: 'text/markdown; charset=utf-8', label: 'Markdown' },
  '.json': { mime: 'application/json', label: 'JSON' },
};

export function attachmentType(file: string): { mime: string; label: string } {
  return TYPES[extname(file).toLowerCase()] ?? { mime: 'application/octet-stream', label: extname(file).slice(1).toUpperCase() || 'file' };
}

/** Absolute path of `attachments/<rest>`, or null when it would leave the folder. */
export function attachmentPath(rest: string): string | null {
  const full = normalize(join(ATTACHMENTS_DIR, rest));
  return full.startsWith(ATTACHMENTS_DIR + sep) ? full : null;
}

export async function attachmentInfo(file: string): Promise<{ size: number | null; label: string; mime: string }> {
  const path = attachmentPath(file.replace(/^attachments\//, ''));
  const type = attachmentType(file);
  try {
    return { size: path ? (await stat(path)).size : null, ...type };
  } catch {
    return { size: null, ...type };
  }
}
