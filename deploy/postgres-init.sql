-- Runs once when the sample database is created: the extension pgvigil reads, and a least-privilege role.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
\getenv monitor_password PGVIGIL_MONITOR_PASSWORD
CREATE ROLE pgvigil_monitor LOGIN PASSWORD :'monitor_password';
GRANT pg_monitor TO pgvigil_monitor;
