// The page sweep of the site area in English: cases and checks in tests/helpers/page-sweep.ts.
import { inject } from 'vitest';
import { sweepPages } from '#tests/helpers/page-sweep.ts';

sweepPages({ area: 'site', lang: 'en', baseUrl: inject('baseUrl'), databaseUrl: inject('databaseUrl'), password: inject('demoPassword') });
