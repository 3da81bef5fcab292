-- Custom SQL migration file, put your code below! --
-- Full-text index of the document exchange (src/server/search/documents-fts5.ts), one row per
-- document, rowid = documents.id: titles and descriptions in both languages, tags, file names
-- and the text extracted from the current version. Written by the same transactions as the
-- documents (no triggers), rebuilt by `npm run search:reindex`.
CREATE VIRTUAL TABLE document_fts USING fts5(
  title, description, tags, names, body,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '3'
);
