CREATE TABLE `category_follows` (
	`user_id` text NOT NULL,
	`category_id` integer NOT NULL,
	`level` text NOT NULL,
	PRIMARY KEY(`category_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`category_id`) REFERENCES `thread_categories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `category_follows_user_idx` ON `category_follows` (`user_id`);--> statement-breakpoint
CREATE TABLE `member_handles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_handles_handle_unique` ON `member_handles` (`handle`);--> statement-breakpoint
CREATE TABLE `thread_categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name_es` text NOT NULL,
	`name_en` text NOT NULL,
	`description_es` text NOT NULL,
	`description_en` text NOT NULL,
	`scope_set_id` integer NOT NULL,
	`position` integer NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`scope_set_id`) REFERENCES `scope_sets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `thread_categories_slug_idx` ON `thread_categories` (`slug`);--> statement-breakpoint
CREATE TABLE `thread_follows` (
	`user_id` text NOT NULL,
	`thread_id` integer NOT NULL,
	`level` text NOT NULL,
	PRIMARY KEY(`thread_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `thread_follows_user_idx` ON `thread_follows` (`user_id`);--> statement-breakpoint
CREATE TABLE `thread_mentions` (
	`post_id` integer NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`post_id`, `user_id`),
	FOREIGN KEY (`post_id`) REFERENCES `thread_posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `thread_moderation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`thread_id` integer NOT NULL,
	`post_id` integer,
	`action` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_agency_code` text NOT NULL,
	`reason` text,
	`detail` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `thread_moderation_events_thread_idx` ON `thread_moderation_events` (`thread_id`,`at`);--> statement-breakpoint
CREATE TABLE `thread_post_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`post_id` integer NOT NULL,
	`title` text,
	`body` text NOT NULL,
	`written_at` integer NOT NULL,
	`replaced_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `thread_posts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `thread_post_revisions_post_idx` ON `thread_post_revisions` (`post_id`,`replaced_at`);--> statement-breakpoint
CREATE TABLE `thread_post_search` (
	`post_id` integer PRIMARY KEY NOT NULL,
	`title` text,
	`body` text NOT NULL,
	`stems` text DEFAULT '' NOT NULL,
	`concepts` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `thread_posts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`thread_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`author_id` text NOT NULL,
	`author_agency_code` text NOT NULL,
	`lang` text NOT NULL,
	`body` text NOT NULL,
	`body_html` text NOT NULL,
	`quoted_post_id` integer,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	`deleted_at` integer,
	`hidden_at` integer,
	`hidden_by` text,
	`hidden_reason` text,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hidden_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `thread_posts_seq_idx` ON `thread_posts` (`thread_id`,`seq`);--> statement-breakpoint
CREATE INDEX `thread_posts_author_idx` ON `thread_posts` (`author_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `thread_posts_author_thread_idx` ON `thread_posts` (`author_id`,`thread_id`);--> statement-breakpoint
CREATE TABLE `thread_read_marks` (
	`user_id` text PRIMARY KEY NOT NULL,
	`all_read_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `thread_reads` (
	`user_id` text NOT NULL,
	`thread_id` integer NOT NULL,
	`last_read_seq` integer NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `thread_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `thread_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`post_id` integer NOT NULL,
	`reporter_id` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	`resolution` text,
	FOREIGN KEY (`post_id`) REFERENCES `thread_posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reporter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `thread_reports_open_idx` ON `thread_reports` (`resolved_at`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `thread_reports_open_once_idx` ON `thread_reports` (`post_id`,`reporter_id`) WHERE resolved_at IS NULL;--> statement-breakpoint
CREATE TABLE `thread_tags` (
	`thread_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`tag`, `thread_id`),
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `thread_tags_thread_idx` ON `thread_tags` (`thread_id`);--> statement-breakpoint
CREATE TABLE `threads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`category_id` integer NOT NULL,
	`title` text NOT NULL,
	`lang` text NOT NULL,
	`handling_code` text NOT NULL,
	`handling_note` text,
	`scope_set_id` integer NOT NULL,
	`author_id` text NOT NULL,
	`author_agency_code` text NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`pinned_at` integer,
	`locked_at` integer,
	`hidden_at` integer,
	`created_at` integer NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`last_visible_seq` integer DEFAULT 0 NOT NULL,
	`post_count` integer DEFAULT 0 NOT NULL,
	`last_post_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `thread_categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scope_set_id`) REFERENCES `scope_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `threads_activity_idx` ON `threads` (`hidden_at`,`last_post_at`);--> statement-breakpoint
CREATE INDEX `threads_category_idx` ON `threads` (`category_id`,`hidden_at`,`last_post_at`);--> statement-breakpoint
CREATE INDEX `threads_author_idx` ON `threads` (`author_id`);