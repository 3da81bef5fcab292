import type { Country } from '#db/schema/agencies.ts';

/** The participating agencies. Seeded in production too: every account belongs to one. */
export const AGENCIES: readonly { code: string; nameEs: string; nameEn: string; country: Country }[] = [
  {
    code: 'ATF',
    country: 'US',
    nameEs: 'Buró de Alcohol, Tabaco, Armas de Fuego y Explosivos (ATF)',
    nameEn: 'Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF)',
  },
  {
    code: 'ICE-HSI',
    country: 'US',
    nameEs: 'Investigaciones de Seguridad Nacional, ICE (HSI)',
    nameEn: 'ICE Homeland Security Investigations (HSI)',
  },
  {
    code: 'CBP',
    country: 'US',
    nameEs: 'Oficina de Aduanas y Protección Fronteriza (CBP)',
    nameEn: 'U.S. Customs and Border Protection (CBP)',
  },
  { code: 'DAO', country: 'US', nameEs: 'Oficina del Agregado de Defensa (DAO)', nameEn: 'Defense Attaché Office (DAO)' },
  {
    code: 'FGR',
    country: 'MX',
    nameEs: 'Fiscalía General de la República (FGR)',
    nameEn: 'Office of the Attorney General of Mexico (FGR)',
  },
  {
    code: 'CENAPI',
    country: 'MX',
    nameEs: 'Centro Nacional de Planeación, Análisis e Información para el Combate a la Delincuencia (CENAPI, FGR)',
    nameEn: 'National Center for Crime Planning, Analysis and Information (CENAPI, FGR)',
  },
  {
    code: 'SSPC',
    country: 'MX',
    nameEs: 'Secretaría de Seguridad y Protección Ciudadana (SSPC)',
    nameEn: 'Secretariat of Security and Civilian Protection (SSPC)',
  },
  {
    code: 'SEDENA',
    country: 'MX',
    nameEs: 'Secretaría de la Defensa Nacional (SEDENA)',
    nameEn: 'Secretariat of National Defense (SEDENA)',
  },
  {
    code: 'MP-GT',
    country: 'GT',
    nameEs: 'Ministerio Público de Guatemala',
    nameEn: 'Public Prosecutor’s Office of Guatemala (Ministerio Público)',
  },
  { code: 'PNC-GT', country: 'GT', nameEs: 'Policía Nacional Civil de Guatemala', nameEn: 'National Civil Police of Guatemala (PNC)' },
  { code: 'BPD', country: 'BZ', nameEs: 'Departamento de Policía de Belice', nameEn: 'Belize Police Department' },
  { code: 'PNC-SV', country: 'SV', nameEs: 'Policía Nacional Civil de El Salvador', nameEn: 'National Civil Police of El Salvador (PNC)' },
  {
    code: 'FGR-SV',
    country: 'SV',
    nameEs: 'Fiscalía General de la República de El Salvador',
    nameEn: 'Office of the Attorney General of El Salvador (FGR)',
  },
];
