/**
 * The advisor's questions to a server's catalogue, one class per question (as PgHero keeps one file per DBA
 * question): each holds its SQL, marked {@code /* pgvigil *}{@code /} like the readers' so pg_stat_statements
 * reports can leave it out, and a static method that asks it and answers with records. The snapshot readers
 * the collector shares are in {@code catalogue.read}; a question here is what only the one-shot commands ask.
 * Each answers for a role with only {@code pg_monitor} (QuestionsAsMonitorTest), column statistics only for
 * columns the role may SELECT (pg_stats hides the others).
 */
package dev.pgvigil.catalogue.ask;
