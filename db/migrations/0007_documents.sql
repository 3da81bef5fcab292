CREATE TABLE `blobs` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`text_state` text DEFAULT 'pending' NOT NULL,
	`text` text,
	`has_thumbnail` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `document_downloads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`document_id` integer NOT NULL,
	`version_number` integer NOT NULL,
	`user_id` text NOT NULL,
	`agency_code` text NOT NULL,
	`ip` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`document_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `document_downloads_document_idx` ON `document_downloads` (`document_id`,`at`);--> statement-breakpoint
CREATE TABLE `document_links` (
	`document_id` integer NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	PRIMARY KEY(`document_id`, `kind`, `target`),
	FOREIGN KEY (`document_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `document_links_target_idx` ON `document_links` (`kind`,`target`);--> statement-breakpoint
CREATE TABLE `document_tags` (
	`document_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`tag`, `document_id`),
	FOREIGN KEY (`document_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `document_tags_document_idx` ON `document_tags` (`document_id`);--> statement-breakpoint
CREATE TABLE `document_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`document_id` integer NOT NULL,
	`number` integer NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`file_name` text NOT NULL,
	`note` text,
	`uploaded_by` text NOT NULL,
	`uploaded_by_agency` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`document_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sha256`) REFERENCES `blobs`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `document_versions_number_idx` ON `document_versions` (`document_id`,`number`);--> statement-breakpoint
CREATE INDEX `document_versions_sha_idx` ON `document_versions` (`sha256`);--> statement-breakpoint
CREATE TABLE `documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_id` text NOT NULL,
	`owner_agency_code` text NOT NULL,
	`title_es` text,
	`title_en` text,
	`description_es` text,
	`description_en` text,
	`language` text NOT NULL,
	`type` text NOT NULL,
	`handling_code` text NOT NULL,
	`handling_note` text,
	`scope_kind` text NOT NULL,
	`scope_set_id` integer NOT NULL,
	`version_policy` text DEFAULT 'owner' NOT NULL,
	`share_expires_at` integer,
	`revoked_at` integer,
	`revoked_by` text,
	`origin` text DEFAULT 'library' NOT NULL,
	`origin_id` integer,
	`origin_item_id` integer,
	`current_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	`deleted_by` text,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scope_set_id`) REFERENCES `scope_sets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `documents_updated_idx` ON `documents` (`updated_at`);--> statement-breakpoint
CREATE INDEX `documents_owner_idx` ON `documents` (`owner_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `documents_agency_idx` ON `documents` (`owner_agency_code`,`updated_at`);--> statement-breakpoint
CREATE INDEX `documents_scope_idx` ON `documents` (`scope_set_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `documents_origin_idx` ON `documents` (`origin`,`origin_id`);--> statement-breakpoint
CREATE INDEX `documents_deleted_idx` ON `documents` (`deleted_at`);