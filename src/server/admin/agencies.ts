import { eq } from 'drizzle-orm';
import { agencies, type Country } from '#db/schema/index.ts';
import { actorOf, audit, requirePrivilege } from '#src/server/audit.ts';
import { db } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import type { AdminActor } from '#src/server/auth/invitations.ts';

export interface AgencyInput {
  code: string;
  nameEs: string;
  nameEn: string;
  country: Country;
}

export async function createAgency(admin: AdminActor, input: AgencyInput): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: 'admin.agency_created', target: input.code });
  const code = input.code.trim().toUpperCase();
  const [taken] = await db().select({ id: agencies.id }).from(agencies).where(eq(agencies.code, code)).limit(1);
  if (taken) throw new DomainError('agency_code_taken', 'code');
  await db().transaction(async (tx) => {
    await tx
      .insert(agencies)
      .values({ code, nameEs: input.nameEs.trim(), nameEn: input.nameEn.trim(), country: input.country, createdAt: new Date() });
    await audit(actorOf(admin, admin.ip), { action: 'admin.agency_created', target: code }, tx);
  });
}

/** Names and country change; the code is the stable key other records use, so it stays. */
export async function updateAgency(admin: AdminActor, id: number, input: Omit<AgencyInput, 'code'>): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: 'admin.agency_updated', target: id, detail: { to: input } });
  const [agency] = await db().select().from(agencies).where(eq(agencies.id, id)).limit(1);
  if (!agency) throw new DomainError('agency_unknown');
  await db().transaction(async (tx) => {
    await tx
      .update(agencies)
      .set({ nameEs: input.nameEs.trim(), nameEn: input.nameEn.trim(), country: input.country })
      .where(eq(agencies.id, id));
    await audit(
      actorOf(admin, admin.ip),
      {
        action: 'admin.agency_updated',
        target: agency.code,
        detail: { from: { nameEs: agency.nameEs, nameEn: agency.nameEn, country: agency.country }, to: input },
      },
      tx,
    );
  });
}
