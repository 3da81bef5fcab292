// The page sweep of the site area in Spanish: cases and checks in tests/helpers/page-sweep.ts.
import { inject } from 'vitest';
import { sweepPages } from '#tests/helpers/page-sweep.ts';

sweepPages({ area: 'site', lang: 'es', baseUrl: inject('baseUrl'), databaseUrl: inject('databaseUrl'), password: inject('demoPassword') });
