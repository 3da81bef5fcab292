-- Custom SQL migration file, put your code below! --
-- The thread index's own data version (data_versions 'thread_index'): raised by the database
-- whenever the text of thread_post_fts can change, i.e. whenever its external content table
-- thread_post_search gains, loses or changes a row (a post, an edit, a post hidden or restored, a
-- rebuild), in the transaction of that change. Thread search keeps FTS5's answer for a text
-- (the newest candidates and their bm25 scores, which depend on every row's text through the
-- document counts) per version (src/server/search/threads-fts5.ts), so a new or changed post is
-- seen by the next search. Triggers, so that no write path can change the index unseen.
CREATE TRIGGER thread_post_search_version_insert AFTER INSERT ON thread_post_search
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('thread_index', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER thread_post_search_version_update AFTER UPDATE ON thread_post_search
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('thread_index', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER thread_post_search_version_delete AFTER DELETE ON thread_post_search
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('thread_index', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;
