import type { FirearmType, TraceStatus } from '#db/schema/index.ts';
import type { ScopeToken } from '#src/server/access.ts';

export interface FirearmInput {
  type: FirearmType;
  manufacturer: string | null;
  model: string | null;
  calibre: string | null;
  serial: string | null;
  obliteratedSerial: boolean;
  countryOfManufacture: string | null;
  importer: string | null;
  otherMarkings: string | null;
  quantity: number;
  traceStatus: TraceStatus;
  traceSourceCountry: string | null;
  traceSourceState: string | null;
  timeToCrimeDays: number | null;
}

export interface AmmunitionInput {
  calibre: string;
  rounds: number;
}
export interface MagazineInput {
  quantity: number;
  capacity: number | null;
}
export interface ExplosiveInput {
  description: string;
  quantity: number;
}

/** A validated seizure, ready to be written (the import's output, the generator's output). */
export interface SeizureInput {
  reference: string;
  /** YYYY-MM-DD */
  date: string;
  country: string;
  stateCode: string;
  municipality: string | null;
  place: string | null;
  agencyCode: string;
  operation: string | null;
  caseFile: string;
  summaryEs: string | null;
  summaryEn: string | null;
  /** Sorted, distinct. */
  scope: ScopeToken[];
  firearms: FirearmInput[];
  ammunition: AmmunitionInput[];
  magazines: MagazineInput[];
  explosives: ExplosiveInput[];
}

/** The detail of one seizure as a page shows it (see getSeizure). */
export interface SeizureDetail extends SeizureInput {
  id: number;
  stateNameEs: string;
  stateNameEn: string;
  firearmCount: number;
  importBatchId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
