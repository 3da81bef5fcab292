/**
 * E-mail of every room's notifications: through SMTP (nodemailer) when SMTP_URL is set, e.g. `smtp://user:pass@mail.example:587`
 * or `smtp://127.0.0.1:2525`; the sender is SMTP_FROM. Sending happens after the database
 * commit and never fails the user's action: a failure is logged (without the message body).
 */
import type { Transporter } from 'nodemailer';
import { config } from '#src/server/config.ts';
import { onShutdown } from '#src/server/lifecycle.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  lang: 'es' | 'en';
}

let transport: { url: string; t: Transporter } | undefined;
const pending = new Set<Promise<void>>();

let suppressed = 0;

export function mailConfigured(): boolean {
  return config.smtp !== null && suppressed === 0;
}

/** Runs work without sending e-mail (demo data: nobody should get mail about invented requests). */
export async function withoutMail<T>(work: () => Promise<T>): Promise<T> {
  suppressed++;
  try {
    return await work();
  } finally {
    suppressed--;
  }
}

// nodemailer is loaded on the first message (~14 MB of every server process otherwise, also
// where no SMTP_URL is set).
async function transporter(url: string): Promise<Transporter> {
  if (!transport || transport.url !== url) {
    const { default: nodemailer } = await import('nodemailer');
    transport?.t.close();
    transport = { url, t: nodemailer.createTransport(url) };
  }
  return transport.t;
}

export async function sendMail(message: MailMessage): Promise<void> {
  const smtp = config.smtp;
  if (!smtp) return;
  await (
    await transporter(smtp.url)
  ).sendMail({
    from: smtp.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    headers: { 'Content-Language': message.lang === 'es' ? 'es-MX' : 'en-US' },
  });
}

/** Sends in the background; `flushMail()` waits for everything queued (tests, shutdown). */
export function queueMail(message: MailMessage): void {
  if (!mailConfigured()) return;
  inBackground(`mail to ${message.to}`, () => sendMail(message));
}

/** Runs mail work (composing and sending) after the user's action; a failure is logged, never thrown. */
export function inBackground(what: string, work: () => Promise<void>): void {
  const p: Promise<void> = work()
    .catch((error: unknown) => {
      console.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => pending.delete(p));
  pending.add(p);
}

export async function flushMail(): Promise<void> {
  while (pending.size) await Promise.all([...pending]);
}

// A stopping server sends what it has queued before it closes the database.
onShutdown(flushMail);
