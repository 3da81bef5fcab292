-- Custom SQL migration file, put your code below! --
-- The embedded engine's full-text index with the text analysis of src/server/text (issue 12):
-- raw text for exact matches and phrases (summary, place, items, serials), one stem key per
-- token (Spanish and English Snowball, folded) so inflections and both languages meet, and
-- vocabulary concepts (calibres, model families, firearm types, places). Snippets are made from
-- the seizure rows in the reader's language, so the index keeps no copy of the text
-- (contentless; contentless_delete lets a changed seizure's row be replaced).
-- The rows are computed in TypeScript: applying this migration empties the index and
-- seizure_search_docs, and the next start (or `npm run search:reindex`) rebuilds both.
DROP TABLE IF EXISTS seizure_fts;
--> statement-breakpoint
DELETE FROM seizure_search_docs;
--> statement-breakpoint
CREATE VIRTUAL TABLE seizure_fts USING fts5(
  summary, place, items, serials, stems, concepts,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '3',
  content = '',
  contentless_delete = 1
);
--> statement-breakpoint
-- The index's own words, for "did you mean" and to tell whether a query word occurs at all.
CREATE VIRTUAL TABLE seizure_fts_terms USING fts5vocab(seizure_fts, 'row');
--> statement-breakpoint
CREATE VIRTUAL TABLE seizure_fts_column_terms USING fts5vocab(seizure_fts, 'col');
