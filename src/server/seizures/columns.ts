/**
 * The columns of a seizure file (CSV headers or JSON keys): canonical names, the template
 * headers of each language and the aliases agencies write. Reading, validation, export and the
 * error report all name columns through this module.
 */
// ---------------------------------------------------------------------------------------
// Columns: canonical names and the aliases accepted in Spanish or English headers.

export const SEIZURE_COLUMNS = [
  'reference',
  'date',
  'country',
  'state',
  'municipality',
  'place',
  'agency',
  'operation',
  'case_file',
  'summary_es',
  'summary_en',
  'scope',
  'ammunition',
  'magazines',
  'explosives',
] as const;
export const FIREARM_COLUMNS = [
  'firearm_type',
  'manufacturer',
  'model',
  'calibre',
  'serial',
  'obliterated_serial',
  'country_of_manufacture',
  'importer',
  'other_markings',
  'quantity',
  'trace_status',
  'trace_source_country',
  'trace_source_state',
  'time_to_crime_days',
] as const;
export type Column = (typeof SEIZURE_COLUMNS)[number] | (typeof FIREARM_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly Column[] = ['reference', 'date', 'state', 'agency', 'case_file'];

/** Template headers per language (also the first alias of each column). */
export const HEADERS: Record<'es' | 'en', Record<Column, string>> = {
  en: {
    reference: 'reference',
    date: 'date',
    country: 'country',
    state: 'state',
    municipality: 'municipality',
    place: 'place',
    agency: 'agency',
    operation: 'operation',
    case_file: 'case_file',
    summary_es: 'summary_es',
    summary_en: 'summary_en',
    scope: 'visibility',
    ammunition: 'ammunition',
    magazines: 'magazines',
    explosives: 'explosives',
    firearm_type: 'firearm_type',
    manufacturer: 'manufacturer',
    model: 'model',
    calibre: 'calibre',
    serial: 'serial',
    obliterated_serial: 'obliterated_serial',
    country_of_manufacture: 'country_of_manufacture',
    importer: 'importer',
    other_markings: 'other_markings',
    quantity: 'quantity',
    trace_status: 'trace_status',
    trace_source_country: 'trace_source_country',
    trace_source_state: 'trace_source_state',
    time_to_crime_days: 'time_to_crime_days',
  },
  es: {
    reference: 'referencia',
    date: 'fecha',
    country: 'pais',
    state: 'estado',
    municipality: 'municipio',
    place: 'lugar',
    agency: 'agencia',
    operation: 'operativo',
    case_file: 'expediente',
    summary_es: 'resumen_es',
    summary_en: 'resumen_en',
    scope: 'visibilidad',
    ammunition: 'municiones',
    magazines: 'cargadores',
    explosives: 'explosivos',
    firearm_type: 'tipo_arma',
    manufacturer: 'fabricante',
    model: 'modelo',
    calibre: 'calibre',
    serial: 'numero_serie',
    obliterated_serial: 'serie_borrada',
    country_of_manufacture: 'pais_fabricacion',
    importer: 'importador',
    other_markings: 'otras_marcas',
    quantity: 'cantidad',
    trace_status: 'estatus_rastreo',
    trace_source_country: 'pais_origen_rastreo',
    trace_source_state: 'estado_origen_rastreo',
    time_to_crime_days: 'dias_al_delito',
  },
};

const EXTRA_ALIASES: Partial<Record<Column, string[]>> = {
  reference: ['ref', 'folio', 'seizure_reference'],
  date: ['seizure_date', 'fecha_aseguramiento', 'fecha_de_aseguramiento'],
  country: ['país', 'country_code'],
  state: ['state_code', 'clave_estado', 'entidad', 'entidad_federativa', 'departamento', 'department', 'district', 'distrito'],
  municipality: ['city', 'ciudad', 'municipio_o_ciudad'],
  place: ['location', 'ubicacion', 'lugar_del_aseguramiento'],
  agency: ['agency_code', 'dependencia', 'seizing_agency', 'agencia_aseguradora'],
  operation: ['operacion', 'operation_name'],
  case_file: ['case_file_number', 'case_number', 'case', 'carpeta_de_investigacion', 'carpeta_investigacion', 'numero_expediente'],
  summary_es: ['resumen', 'resumen_espanol', 'spanish_summary'],
  summary_en: ['resumen_ingles', 'english_summary', 'summary'],
  scope: ['scope', 'visibility_scope', 'alcance'],
  ammunition: ['ammo', 'cartuchos', 'municion'],
  explosives: ['explosive'],
  firearm_type: ['type', 'weapon_type', 'tipo', 'tipo_de_arma'],
  manufacturer: ['make', 'marca'],
  calibre: ['caliber'],
  serial: ['serial_number', 'numero_de_serie', 'serie', 'matricula'],
  obliterated_serial: ['serial_obliterated', 'obliterated', 'matricula_borrada', 'serie_limada', 'numero_serie_borrado'],
  country_of_manufacture: ['pais_de_fabricacion', 'made_in'],
  importer: ['import_marks'],
  other_markings: ['markings', 'marcas'],
  quantity: ['qty', 'count'],
  trace_status: ['trace', 'rastreo', 'estado_rastreo', 'estatus_de_rastreo'],
  trace_source_country: ['pais_origen', 'source_country'],
  trace_source_state: ['estado_origen', 'source_state'],
  time_to_crime_days: ['time_to_crime', 'tiempo_al_delito', 'tiempo_al_delito_dias'],
};

/** Lower case, no accents, no punctuation: "Número de serie" -> "numerodeserie", "caseFile" -> "casefile". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const ALIAS: Map<string, Column> = (() => {
  const map = new Map<string, Column>();
  for (const col of [...SEIZURE_COLUMNS, ...FIREARM_COLUMNS]) {
    for (const name of [col, HEADERS.en[col], HEADERS.es[col], ...(EXTRA_ALIASES[col] ?? [])]) map.set(normalizeName(name), col);
  }
  return map;
})();

export function resolveColumn(header: string): Column | undefined {
  return ALIAS.get(normalizeName(header));
}

export const CSV_COLUMNS: readonly Column[] = [...SEIZURE_COLUMNS, ...FIREARM_COLUMNS];
export const FIREARM_SET = new Set<string>(FIREARM_COLUMNS);

/** A row as read from the file: canonical column -> text. */
export type RawRow = Partial<Record<Column, string>>;

export interface Located {
  /** The file line the row starts on (CSV; the header is line 1) or the 1-based seizure number (JSON). */
  row: number;
  /** Maps a canonical column to the name to report (the header as written, or a JSON path). */
  columnName: (c: Column) => string;
  raw: RawRow;
  /** JSON: the seizure's firearm lines come nested; CSV: one firearm per row. */
  hasFirearm: boolean;
}
