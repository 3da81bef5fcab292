/**
 * Who must have a second factor, and which actions ask for it again (step-up). Plain rules, no
 * I/O: the middleware, the actions and the pages all ask here.
 */
import type { Role } from '#src/domain/auth.ts';

export type MfaPolicy = 'all' | 'privileged' | 'off';

/** `privileged`: admins and editors (they change what others read); `all`: every account. */
export function mfaRequiredFor(role: Role, policy: MfaPolicy): boolean {
  if (policy === 'all') return true;
  if (policy === 'privileged') return role === 'admin' || role === 'editor';
  return false;
}

/**
 * Actions that change how one signs in, or any admin action: they need a second-factor
 * verification younger than the step-up window (MFA_STEP_UP_MINUTES). A new admin action must be
 * added here.
 */
export const STEP_UP_ACTIONS: ReadonlySet<string> = new Set([
  // the account's own credentials
  'changePassword',
  'beginTotpSetup',
  'confirmTotp',
  'removeTotp',
  'regenerateRecoveryCodes',
  'passkeyRegistrationOptions',
  'passkeyRegister',
  'renamePasskey',
  'removePasskey',
  // administration
  'createInvitation',
  'resendInvitation',
  'revokeInvitation',
  'updateUser',
  'setUserDisabled',
  'releaseLockout',
  'resetUserMfa',
  'createAgency',
  'updateAgency',
  'pushSearchBacklog',
]);

/** Whether an action needs a fresh verification now. Accounts without a second factor have nothing to step up with. */
export function needsStepUp(action: string, hasSecondFactor: boolean, verifiedAt: Date | null, now: number, windowMs: number): boolean {
  if (!STEP_UP_ACTIONS.has(action) || !hasSecondFactor) return false;
  return !verifiedAt || now - verifiedAt.getTime() > windowMs;
}

/** What a signed-in session may do while the account still has to set up a second factor. */
export const SETUP_ACTIONS: ReadonlySet<string> = new Set([
  'beginTotpSetup',
  'confirmTotp',
  'passkeyRegistrationOptions',
  'passkeyRegister',
  'signOut',
]);

/** What a session that gave its password but not yet its second factor may do. */
export const PENDING_ACTIONS: ReadonlySet<string> = new Set([
  'verifySecondFactor',
  'passkeyAuthenticationOptions',
  'passkeyVerify',
  'signOut',
]);
