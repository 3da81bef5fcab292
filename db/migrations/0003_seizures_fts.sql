-- Custom SQL migration file, put your code below! --
-- Full-text index of the embedded search engine (src/server/search/fts5.ts), one row per
-- seizure, rowid = seizures.id. It keeps its own copy of the text (snippet() reads it) and is
-- written by the same transaction as the seizure rows; no triggers, because a per-row
-- trigger caps bulk imports (STACK-NOTES 11). remove_diacritics 2: "michoacan" = "Michoacán".
CREATE VIRTUAL TABLE seizure_fts USING fts5(
  summary_es, summary_en, place, firearms, serials,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '3'
);
