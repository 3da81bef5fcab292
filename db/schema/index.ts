export * from './agencies.ts';
export * from './auth.ts';
export * from './audit.ts';
export * from './seizures.ts';
export * from './requests.ts';
export * from './notifications.ts';
export * from './documents.ts';
export * from './versions.ts';
