-- Custom SQL migration file, put your code below! --
-- The forum's data version (data_versions 'threads'): raised by the database itself whenever
-- something that decides who may find a post changes (a thread's scope, category or hidden mark;
-- a post hidden, deleted or moved; a row removed; a scope set's tokens), in the transaction that
-- changes it. Thread search keeps that access data in memory per version
-- (src/server/search/threads-fts5-columns.ts); triggers rather than calls in each writer, so no
-- write path, present or future, can change access without the next search seeing it.
CREATE TRIGGER threads_search_access_update AFTER UPDATE OF scope_set_id, category_id, hidden_at ON threads
WHEN OLD.scope_set_id IS NOT NEW.scope_set_id OR OLD.category_id IS NOT NEW.category_id OR OLD.hidden_at IS NOT NEW.hidden_at
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('threads', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER threads_search_access_delete AFTER DELETE ON threads
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('threads', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER thread_posts_search_access_update AFTER UPDATE OF thread_id, hidden_at, deleted_at ON thread_posts
WHEN OLD.thread_id IS NOT NEW.thread_id OR OLD.hidden_at IS NOT NEW.hidden_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('threads', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER thread_posts_search_access_delete AFTER DELETE ON thread_posts
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('threads', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER scope_set_tokens_search_access_update AFTER UPDATE ON scope_set_tokens
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('threads', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
CREATE TRIGGER scope_set_tokens_search_access_delete AFTER DELETE ON scope_set_tokens
BEGIN
  INSERT INTO data_versions (name, version, changed_at) VALUES ('threads', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
    ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;
END;--> statement-breakpoint
-- The terms of the thread index, for threads-fts5.ts completeWords: a query word no other term
-- starts with is asked as the word instead of as a prefix (same matches, a fraction of the work).
CREATE VIRTUAL TABLE thread_post_fts_instances USING fts5vocab('thread_post_fts', 'instance');
