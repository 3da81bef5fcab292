/** Each member's choice of e-mail for notifications: each at once (default), a daily digest, or none. */
import { eq } from 'drizzle-orm';
import { notificationSettings, type EmailMode } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';

export const DEFAULT_EMAIL_MODE: EmailMode = 'immediate';

export async function emailMode(userId: string): Promise<EmailMode> {
  const [row] = await db()
    .select({ mode: notificationSettings.emailMode })
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, userId));
  return row?.mode ?? DEFAULT_EMAIL_MODE;
}

/** Changing the mode starts it afresh: a new daily digest carries only what came after the change. */
export async function setEmailMode(userId: string, mode: EmailMode, now: Date = new Date()): Promise<void> {
  if ((await emailMode(userId)) === mode) return;
  await db()
    .insert(notificationSettings)
    .values({ userId, emailMode: mode, modeSince: now, lastDigestAt: null })
    .onConflictDoUpdate({ target: notificationSettings.userId, set: { emailMode: mode, modeSince: now, lastDigestAt: null } });
}
