/** Countries whose agencies take part; also the values of a country-wide visibility scope. */
export const COUNTRIES = ['US', 'MX', 'GT', 'BZ', 'SV'] as const;
export type Country = (typeof COUNTRIES)[number];
