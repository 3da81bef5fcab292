export const FIREARM_TYPES = [
  'pistol',
  'revolver',
  'rifle',
  'shotgun',
  'submachine_gun',
  'machine_gun',
  'grenade_launcher',
  'other',
] as const;
export type FirearmType = (typeof FIREARM_TYPES)[number];
export const TRACE_STATUSES = ['not_requested', 'requested', 'traced_us_retail', 'traced_other_country', 'untraceable'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];

/** Explosives the interface names in both languages (import keeps any other description as written). */
export const EXPLOSIVE_KINDS = [
  'fragmentation_grenade',
  'hand_grenade',
  'ied',
  '40mm_cartridges',
  'dynamite',
  'plastic_explosive',
  'detonators',
] as const;
