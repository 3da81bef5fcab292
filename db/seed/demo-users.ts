import type { Lang, Role } from '#db/schema/auth.ts';

export const DEFAULT_DEMO_PASSWORD = 'cruzadas-demo-2026';

/**
 * Fixed TOTP secrets of the demo accounts that need a second factor (admins and editors under the
 * default MFA_REQUIRED=privileged), so a newcomer can add them to an authenticator app or run
 * `oathtool --totp -b SECRET`, and tests can compute codes. Demo only: never a real account's.
 */
export const DEMO_TOTP_SECRETS: Readonly<Record<string, string>> = {
  'admin@demo.test': 'ACDEMOADMINTOTPSECRET234567ABCDE',
  'editor.sspc@demo.test': 'ACDEMOEDITORTOTPSECRET234567ABCD',
};

/** Demo accounts (npm run demo only). Spanish-speaking agencies prefer Spanish. */
export const DEMO_USERS: readonly { email: string; displayName: string; agency: string; role: Role; lang: Lang }[] = [
  { email: 'admin@demo.test', displayName: 'Administración del portal', agency: 'FGR', role: 'admin', lang: 'es' },
  { email: 'agent.atf@demo.test', displayName: 'Dana Whitfield (ATF)', agency: 'ATF', role: 'member', lang: 'en' },
  { email: 'agent.hsi@demo.test', displayName: 'Marcus Ortega (HSI)', agency: 'ICE-HSI', role: 'member', lang: 'en' },
  { email: 'analyst.fgr@demo.test', displayName: 'Lucía Ramírez Ochoa (FGR)', agency: 'FGR', role: 'member', lang: 'es' },
  { email: 'analyst.sedena@demo.test', displayName: 'Cap. Jorge Villaseñor (SEDENA)', agency: 'SEDENA', role: 'member', lang: 'es' },
  { email: 'editor.sspc@demo.test', displayName: 'Mariana Escobedo (SSPC)', agency: 'SSPC', role: 'editor', lang: 'es' },
  { email: 'moderator.cbp@demo.test', displayName: 'Kevin Alvarado (CBP)', agency: 'CBP', role: 'moderator', lang: 'en' },
  { email: 'fiscal.gt@demo.test', displayName: 'Ana Lucía Pérez (MP Guatemala)', agency: 'MP-GT', role: 'member', lang: 'es' },
];
