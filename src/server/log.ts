/**
 * Structured logs: one JSON object a line on stdout (pino), for journald or any collector.
 * Never log secrets: no cookies, no Authorization headers, no invitation tokens, no passwords.
 */
import { pino } from 'pino';
import { config } from './config.ts';

export const log = pino({
  level: config.logLevel,
  base: { pid: process.pid },
  // Belt and braces: should a request or header object ever be logged whole, its secrets are not.
  redact: {
    paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', 'password', 'token'],
    censor: '[redacted]',
  },
});

/** Paths that carry a secret in the URL itself (invitation links): logged without it. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.replace(/^(\/(?:es|en)\/invitation\/)[^/]+/, '$1[redacted]');
}
