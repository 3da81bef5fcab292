// The page sweep of the rooms area in Spanish: cases and checks in tests/helpers/page-sweep.ts.
import { inject } from 'vitest';
import { sweepPages } from '#tests/helpers/page-sweep.ts';

sweepPages({ area: 'rooms', lang: 'es', baseUrl: inject('baseUrl'), databaseUrl: inject('databaseUrl'), password: inject('demoPassword') });
