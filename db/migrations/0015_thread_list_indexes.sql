DROP INDEX `threads_activity_idx`;--> statement-breakpoint
DROP INDEX `threads_category_idx`;--> statement-breakpoint
CREATE INDEX `threads_visible_idx` ON `threads` (`hidden_at`,`scope_set_id`,`category_id`);--> statement-breakpoint
CREATE INDEX `threads_activity_idx` ON `threads` (`hidden_at`,`last_post_at`,`scope_set_id`);--> statement-breakpoint
CREATE INDEX `threads_category_idx` ON `threads` (`category_id`,`hidden_at`,("pinned_at" IS NOT NULL),`last_post_at`,`scope_set_id`);