export const ROLES = ['member', 'editor', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];
