/**
 * A real SMTP server on loopback that keeps every mail it receives as plain text, so tests read
 * what a member would read (the portal's mails are plain-text UTF-8, quoted-printable on the wire).
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  text: string;
}

export interface MailCatcher {
  /** Every mail so far, one entry per recipient. */
  received: ReceivedMail[];
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  close(): Promise<void>;
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const received: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        // Quoted-printable to text.
        const text = Buffer.from(
          raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8');
        for (const r of session.envelope.rcptTo) received.push({ to: r.address, text });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const address = smtp.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
