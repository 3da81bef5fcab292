CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`request_id` integer NOT NULL,
	`params` text,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`read_at`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_idx` ON `notifications` (`user_id`,`dedupe_key`);--> statement-breakpoint
CREATE TABLE `request_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_agency_code` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`note` text,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_events_request_idx` ON `request_events` (`request_id`,`at`);--> statement-breakpoint
CREATE TABLE `request_firearms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`seizure_id` integer,
	`manufacturer` text,
	`model` text,
	`calibre` text,
	`serial` text,
	`type` text,
	`country_of_origin` text,
	`importer` text,
	`obliterated_serial` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `request_firearms_request_idx` ON `request_firearms` (`request_id`);--> statement-breakpoint
CREATE INDEX `request_firearms_serial_idx` ON `request_firearms` (`serial`);--> statement-breakpoint
CREATE TABLE `request_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`author_id` text NOT NULL,
	`author_agency_code` text NOT NULL,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`quoted_message_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_messages_request_idx` ON `request_messages` (`request_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `request_recipients` (
	`request_id` integer NOT NULL,
	`agency_code` text NOT NULL,
	`assigned_to` text,
	`first_opened_at` integer,
	PRIMARY KEY(`request_id`, `agency_code`),
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_recipients_agency_idx` ON `request_recipients` (`agency_code`,`request_id`);--> statement-breakpoint
CREATE INDEX `request_recipients_assignee_idx` ON `request_recipients` (`assigned_to`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`requester_agency_code` text NOT NULL,
	`created_by` text NOT NULL,
	`type` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`lang` text NOT NULL,
	`priority` text NOT NULL,
	`urgency_justification` text,
	`due_date` text NOT NULL,
	`handling_code` text NOT NULL,
	`handling_note` text,
	`status` text NOT NULL,
	`decline_reason` text,
	`seizure_id` integer,
	`seizure_reference` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`acknowledged_at` integer,
	`answered_at` integer,
	`closed_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `requests_reference_idx` ON `requests` (`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `requests_year_seq_idx` ON `requests` (`year`,`seq`);--> statement-breakpoint
CREATE INDEX `requests_requester_idx` ON `requests` (`requester_agency_code`,`created_at`);--> statement-breakpoint
CREATE INDEX `requests_status_idx` ON `requests` (`status`,`due_date`);