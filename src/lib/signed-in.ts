/**
 * The signed-in user of a request, the one way pages, endpoints and actions ask for it. The
 * middleware sends a visitor on a members' page to sign in before the page runs, so a page that
 * finds nobody here was routed wrongly: it fails rather than render for nobody. An action answers
 * UNAUTHORIZED with "sign in first", which the form translates.
 */
import type { Session, SessionUser } from '#src/server/auth/session.ts';
import { failWith } from './forms.ts';

export interface SignedIn {
  user: SessionUser;
  session: Session;
}

export function requireUser(locals: App.Locals): SignedIn {
  const { user, session } = locals;
  if (!user || !session) failWith('signIn.needed', undefined, undefined, 'UNAUTHORIZED');
  return { user, session };
}

/** The signed-in user with the caller's address: the actor that server functions audit. */
export function requireActor(locals: App.Locals): SessionUser & { ip: string | null } {
  return { ...requireUser(locals).user, ip: locals.ip };
}
