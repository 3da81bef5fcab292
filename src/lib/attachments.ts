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

export interface AttachmentInfo {
  file: string;
  title: string;
  size: number | null;
  label: string;
  mime: string;
}

/** An item's attachments with size and type, read from disk (pages call this before rendering). */
export async function itemAttachments(item: {
  data: { attachments?: { file: string; title: string }[] | undefined };
}): Promise<AttachmentInfo[]> {
  return Promise.all((item.data.attachments ?? []).map(async (a) => ({ ...a, ...(await attachmentInfo(a.file)) })));
}

// Attachments ship with the build; in production their sizes are read once (each page view
// otherwise queued a stat on libuv's thread pool). Keys are file names from content/, not input.
const sizes = new Map<string, Promise<number | null>>();

async function sizeOf(path: string | null): Promise<number | null> {
  try {
    return path ? (await stat(path)).size : null;
  } catch {
    return null;
  }
}

export async function attachmentInfo(file: string): Promise<{ size: number | null; label: string; mime: string }> {
  const path = attachmentPath(file.replace(/^attachments\//, ''));
  let size = import.meta.env.PROD ? sizes.get(file) : undefined;
  if (!size) {
    size = sizeOf(path);
    if (import.meta.env.PROD) sizes.set(file, size);
  }
  return { size: await size, ...attachmentType(file) };
}
