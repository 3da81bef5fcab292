/**
 * The Nu HTML Checker (vnu.jar from the `vnu-jar` package, run with the machine's Java: Debian's
 * `default-jre-headless`) over many pages in one JVM start. Returns its errors as readable lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

interface VnuMessage {
  type: string;
  subType?: string;
  url?: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

export async function validateHtml(pages: { name: string; html: string }[]): Promise<string[]> {
  if (!javaAvailable()) throw new Error('The HTML checker needs Java: apt-get install -y default-jre-headless');
  const jar = (require('vnu-jar') as string) || '';
  const dir = mkdtempSync(join(tmpdir(), 'armas-vnu-'));
  try {
    const files = pages.map((p, i) => {
      const file = join(dir, `${String(i).padStart(4, '0')}.html`);
      writeFileSync(file, p.html);
      return { file, name: p.name };
    });
    const byUrl = new Map(files.map((f) => [pathToFileURL(f.file).href, f.name]));
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'java',
        ['-Xss1m', '-jar', jar, '--errors-only', '--format', 'json', '--exit-zero-always', ...files.map((f) => f.file)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`vnu exited with ${code}: ${out}`))));
    });
    const start = output.indexOf('{');
    const { messages } = JSON.parse(output.slice(start)) as { messages: VnuMessage[] };
    return messages
      .filter((m) => m.type === 'error' || m.subType === 'fatal')
      .map((m) => {
        const page = byUrl.get(m.url ?? '') ?? byUrl.get((m.url ?? '').replace('file:/', 'file:///')) ?? m.url ?? '?';
        return `${page}:${m.lastLine ?? '?'}: ${m.message}${m.extract ? ` «${m.extract.trim().slice(0, 120)}»` : ''}`;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
