-- Custom SQL migration file, put your code below! --
-- Full-text index of thread posts for the embedded engine (src/server/search/threads-fts5.ts),
-- rowid = thread_posts.id, over thread_post_search (external content: the text is stored once,
-- and a bulk load fills that table and then rebuilds this index in one pass, STACK-NOTES 11).
-- Beside the raw title and body it indexes the text analysis of src/server/text: one stem key
-- per token (Spanish and English, folded) and the vocabulary concepts, as the seizures do.
-- Only posts a reader could ever find are in it: a hidden or deleted post, and every post of a
-- hidden thread, is taken out in the transaction that hides it (and put back on restore).
CREATE VIRTUAL TABLE thread_post_fts USING fts5(
  title, body, stems, concepts,
  content = 'thread_post_search',
  content_rowid = 'post_id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '3'
);
