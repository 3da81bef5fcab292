/**
 * The firearm vocabulary agents and analysts write: types across languages, calibres with their
 * spellings, and model families with their street names. Import (normalising values), search
 * (one concept for every spelling), facets and display (one label per value) all read it.
 * Spellings are compared folded (no accents, lower case) and split into runs of letters and of
 * digits, so "AK-47", "AK47" and "ak 47" are one spelling, as are "7.62x39" and "7,62 × 39".
 */
import type { FirearmType } from './seizures.ts';

export interface FirearmTypeEntry {
  type: FirearmType;
  /** The one label pages show. */
  es: string;
  en: string;
  /** Words for this type alone, singular and plural, in both languages. */
  spellings: readonly string[];
}

export const FIREARM_TYPE_VOCABULARY: readonly FirearmTypeEntry[] = [
  { type: 'pistol', es: 'Pistola', en: 'Pistol', spellings: ['pistola', 'pistolas', 'pistol', 'pistols', 'escuadra', 'escuadras'] },
  { type: 'revolver', es: 'Revólver', en: 'Revolver', spellings: ['revólver', 'revólveres', 'revolver', 'revolvers'] },
  {
    type: 'rifle',
    es: 'Fusil',
    en: 'Rifle',
    spellings: [
      'fusil',
      'fusiles',
      'rifle',
      'rifles',
      'carabina',
      'carabinas',
      'carbine',
      'carbines',
      'fusil de asalto',
      'fusiles de asalto',
      'assault rifle',
      'assault rifles',
    ],
  },
  { type: 'shotgun', es: 'Escopeta', en: 'Shotgun', spellings: ['escopeta', 'escopetas', 'shotgun', 'shotguns'] },
  {
    type: 'submachine_gun',
    es: 'Subametralladora',
    en: 'Submachine gun',
    spellings: [
      'subametralladora',
      'subametralladoras',
      'subfusil',
      'subfusiles',
      'submachine gun',
      'submachine guns',
      'submachinegun',
      'smg',
      'metralleta',
      'metralletas',
    ],
  },
  {
    type: 'machine_gun',
    es: 'Ametralladora',
    en: 'Machine gun',
    spellings: ['ametralladora', 'ametralladoras', 'machine gun', 'machine guns', 'machinegun', 'machineguns'],
  },
  {
    type: 'grenade_launcher',
    es: 'Lanzagranadas',
    en: 'Grenade launcher',
    spellings: ['lanzagranadas', 'lanza granadas', 'grenade launcher', 'grenade launchers'],
  },
  { type: 'other', es: 'Otra', en: 'Other', spellings: ['otra', 'otro', 'other'] },
];

/** Words for several types at once ("handgun" is a pistol or a revolver). */
export const FIREARM_CLASS_VOCABULARY: readonly { types: readonly FirearmType[]; spellings: readonly string[] }[] = [
  { types: ['pistol', 'revolver'], spellings: ['handgun', 'handguns', 'arma corta', 'armas cortas', 'arma de puño', 'armas de puño'] },
  { types: ['rifle', 'shotgun'], spellings: ['long gun', 'long guns', 'arma larga', 'armas largas'] },
];

export interface CalibreEntry {
  /** Stable id (also the search concept). */
  id: string;
  /** The one spelling facets and pages show; imports are normalised to it. */
  label: string;
  spellings: readonly string[];
  /** Calibres that fit the same firearms or are commonly confused: found, ranked lower. */
  related?: readonly string[];
}

export const CALIBRE_VOCABULARY: readonly CalibreEntry[] = [
  {
    id: '762x39',
    label: '7.62x39',
    spellings: ['7.62x39', '7.62x39mm', '7.62 x 39 mm', '762x39', '762', '7.62', '7.62 soviético', '7.62 soviet', '.30 soviet'],
    related: ['762x51'],
  },
  {
    id: '762x51',
    label: '7.62x51',
    spellings: ['7.62x51', '7.62x51mm', '7.62 nato', '762x51', '.308', '308', '.308 win', '.308 winchester', '308 win'],
    related: ['762x39'],
  },
  {
    id: '556x45',
    label: '5.56x45',
    spellings: ['5.56x45', '5.56x45mm', '5.56', '556', '5.56 nato', '556x45', '5.56 mm'],
    related: ['223rem'],
  },
  {
    id: '223rem',
    label: '.223 Rem',
    spellings: ['.223 rem', '.223 remington', '.223', '223', '223 rem', '223 remington', 'cal. 223', 'calibre 223', 'caliber 223'],
    related: ['556x45'],
  },
  {
    id: '9x19',
    label: '9mm',
    spellings: [
      '9mm',
      '9 mm',
      '9x19',
      '9x19mm',
      '9 mm parabellum',
      '9mm parabellum',
      'parabellum',
      '9mm luger',
      '9 luger',
      '9 mm luger',
      'cal. 9',
      'calibre 9',
      'caliber 9',
    ],
  },
  {
    id: '45acp',
    label: '.45 ACP',
    spellings: [
      '.45 acp',
      '45 acp',
      '.45 auto',
      '45 auto',
      '.45',
      'cal. 45',
      'cal 45',
      'calibre 45',
      'calibre .45',
      'caliber 45',
      'caliber .45',
      '11.43',
      '11.43mm',
    ],
  },
  {
    id: '38super',
    label: '.38 Super',
    spellings: ['.38 super', '38 super', '.38 súper', '38 súper', '.38 super auto', 'super 38', 'cal. 38 super'],
    related: ['38spl'],
  },
  {
    id: '38spl',
    label: '.38 Special',
    spellings: ['.38 special', '38 special', '.38 spl', '38 spl', '.38 especial', '38 especial', '.38', 'cal. 38', 'calibre 38'],
    related: ['38super', '357mag'],
  },
  {
    id: '357mag',
    label: '.357 Magnum',
    spellings: ['.357 magnum', '357 magnum', '.357 mag', '357 mag', '.357', '357'],
    related: ['38spl'],
  },
  {
    id: '380acp',
    label: '.380 ACP',
    spellings: ['.380 acp', '380 acp', '.380', '380', '.380 auto', '380 auto', '9mm corto', '9 mm corto', '9x17', '9mm kurz'],
  },
  {
    id: '50bmg',
    label: '.50 BMG',
    spellings: [
      '.50 bmg',
      '50 bmg',
      '.50',
      'cal. 50',
      'cal 50',
      'calibre 50',
      'calibre .50',
      'caliber 50',
      'caliber .50',
      '12.7x99',
      '12.7x99mm',
      '.50 cal',
      '50 cal',
    ],
  },
  { id: '57x28', label: '5.7x28', spellings: ['5.7x28', '5.7x28mm', '5.7', '5.7 mm', '57x28', 'five-seven'] },
  { id: '22lr', label: '.22 LR', spellings: ['.22 lr', '22 lr', '.22', '22', '.22 long rifle', '22 long rifle', 'cal. 22', 'calibre 22'] },
  { id: '12ga', label: '12 GA', spellings: ['12 ga', '12ga', '12 gauge', 'calibre 12', 'cal. 12', '12 g'] },
  { id: '40mm', label: '40mm', spellings: ['40mm', '40 mm', '40x46', '40x46mm'] },
  { id: '40sw', label: '.40 S&W', spellings: ['.40 s&w', '40 s&w', '.40 sw', '40 sw', '.40', 'cal. 40', 'calibre 40'] },
];

export interface ModelFamilyEntry {
  id: string;
  label: string;
  /** Model names and the names agents use in the street and in reports. */
  spellings: readonly string[];
  /** Model designations (as in the model column) that belong to the family. */
  models: readonly string[];
}

export const MODEL_FAMILY_VOCABULARY: readonly ModelFamilyEntry[] = [
  {
    id: 'ak',
    label: 'AK-47',
    spellings: [
      'ak-47',
      'ak',
      'akm',
      'ak-74',
      'tipo ak',
      'tipo ak-47',
      'ak-pattern',
      'ak pattern',
      'Kalashnikov',
      'Kalashnikovs',
      'Kalachnikov',
      'cuerno de chivo',
      'cuernos de chivo',
      'cuerno',
      'cuernos',
      'cuernito',
      'chivo',
      'goat horn',
    ],
    models: ['AK-47', 'AKM', 'AK-74', 'WASR-10', 'WASR', 'PAP M70', 'M70', 'Type 56', 'Saiga', 'Mini Draco', 'Draco', 'SAR-1', 'VEPR'],
  },
  {
    id: 'ar15',
    label: 'AR-15',
    spellings: [
      'ar-15',
      'ar15',
      'ar 15',
      'tipo ar-15',
      'ar-pattern',
      'ar pattern',
      'r-15',
      'r15',
      'erre quince',
      'chanate',
      'm4',
      'm-4',
      'm16',
      'm-16',
    ],
    models: ['AR-15', 'M&P15', 'AR-556', 'XM-15', 'AM-15', 'PA-15', 'M4', 'M16', 'LE6920', 'SP1', 'DPMS'],
  },
  {
    id: 'barrett50',
    label: 'Barrett .50',
    spellings: ['barrett', 'la barrett', 'antimaterial', 'anti-material', 'antimaterial rifle', 'fusil antimaterial'],
    models: ['M82A1', 'M107A1', 'M82', 'M107', 'M95', 'M99'],
  },
  {
    id: 'fiveseven',
    label: 'FN Five-seveN',
    spellings: ['five-seven', 'fiveseven', 'five seven', 'matapolicías', 'mata policías', 'matapolicia', 'cop killer'],
    models: ['Five-seveN', 'Five-seven', 'FN 57'],
  },
];

/** The one label of each type, for the dictionaries (src/i18n) and everything that displays a type. */
export const FIREARM_TYPE_LABELS = Object.fromEntries(FIREARM_TYPE_VOCABULARY.map((t) => [t.type, { es: t.es, en: t.en }])) as Record<
  FirearmType,
  { es: string; en: string }
>;
