CREATE TABLE `ammunition` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seizure_id` integer NOT NULL,
	`calibre` text NOT NULL,
	`rounds` integer NOT NULL,
	FOREIGN KEY (`seizure_id`) REFERENCES `seizures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ammunition_seizure_idx` ON `ammunition` (`seizure_id`);--> statement-breakpoint
CREATE TABLE `countries` (
	`code` text PRIMARY KEY NOT NULL,
	`name_es` text NOT NULL,
	`name_en` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `explosives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seizure_id` integer NOT NULL,
	`description` text NOT NULL,
	`quantity` integer NOT NULL,
	FOREIGN KEY (`seizure_id`) REFERENCES `seizures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `explosives_seizure_idx` ON `explosives` (`seizure_id`);--> statement-breakpoint
CREATE TABLE `facet_values` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`field` text NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `facet_values_field_value_idx` ON `facet_values` (`field`,`value`);--> statement-breakpoint
CREATE TABLE `firearms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seizure_id` integer NOT NULL,
	`type` text NOT NULL,
	`manufacturer` text,
	`model` text,
	`calibre` text,
	`serial` text,
	`obliterated_serial` integer DEFAULT false NOT NULL,
	`country_of_manufacture` text,
	`importer` text,
	`other_markings` text,
	`quantity` integer DEFAULT 1 NOT NULL,
	`trace_status` text NOT NULL,
	`trace_source_country` text,
	`trace_source_state` text,
	`time_to_crime_days` integer,
	FOREIGN KEY (`seizure_id`) REFERENCES `seizures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `firearms_seizure_idx` ON `firearms` (`seizure_id`);--> statement-breakpoint
CREATE INDEX `firearms_serial_idx` ON `firearms` (`serial`);--> statement-breakpoint
CREATE TABLE `import_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`rows` integer NOT NULL,
	`seizures_inserted` integer NOT NULL,
	`seizures_updated` integer NOT NULL,
	`seizures_unchanged` integer NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `magazines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seizure_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`capacity` integer,
	FOREIGN KEY (`seizure_id`) REFERENCES `seizures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `magazines_seizure_idx` ON `magazines` (`seizure_id`);--> statement-breakpoint
CREATE TABLE `scope_set_tokens` (
	`scope_set_id` integer NOT NULL,
	`token` text NOT NULL,
	PRIMARY KEY(`token`, `scope_set_id`),
	FOREIGN KEY (`scope_set_id`) REFERENCES `scope_sets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `scope_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tokens` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scope_sets_tokens_unique` ON `scope_sets` (`tokens`);--> statement-breakpoint
CREATE TABLE `seizure_search_docs` (
	`seizure_id` integer PRIMARY KEY NOT NULL,
	`scope_set_id` integer NOT NULL,
	`date` text NOT NULL,
	`country` text NOT NULL,
	`state_code` text NOT NULL,
	`agency_code` text NOT NULL,
	`firearm_count` integer NOT NULL,
	`facet_ids` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `seizure_search_docs_date_idx` ON `seizure_search_docs` (`date`);--> statement-breakpoint
CREATE TABLE `seizures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`date` text NOT NULL,
	`country` text NOT NULL,
	`state_code` text NOT NULL,
	`municipality` text,
	`place` text,
	`agency_code` text NOT NULL,
	`operation` text,
	`case_file` text NOT NULL,
	`summary_es` text,
	`summary_en` text,
	`scope_set_id` integer NOT NULL,
	`firearm_count` integer DEFAULT 0 NOT NULL,
	`content_hash` text NOT NULL,
	`import_batch_id` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`country`) REFERENCES `countries`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`state_code`) REFERENCES `states`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scope_set_id`) REFERENCES `scope_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`import_batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "seizures_summary_present" CHECK("seizures"."summary_es" IS NOT NULL OR "seizures"."summary_en" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seizures_natural_key_idx` ON `seizures` (`agency_code`,`case_file`,`reference`);--> statement-breakpoint
CREATE INDEX `seizures_date_idx` ON `seizures` (`date`);--> statement-breakpoint
CREATE TABLE `states` (
	`code` text PRIMARY KEY NOT NULL,
	`country` text NOT NULL,
	`name_es` text NOT NULL,
	`name_en` text NOT NULL,
	FOREIGN KEY (`country`) REFERENCES `countries`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `states_country_idx` ON `states` (`country`);