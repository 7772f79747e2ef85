-- Parvis database accounts and their privileges.
--
-- One account per program, each with only what it needs. Idempotent: run it
-- after every `parvis-admin migrate` (table-level grants need the tables).
--   local stack: scripts/stack runs it on every start, then sets passwords;
--   production:  mariadb < sql/grants.sql as a MariaDB administrator, then
--                for each account: ALTER USER 'parvis_portal'@'localhost'
--                IDENTIFIED BY '<password from the config file>' ACCOUNT UNLOCK;
--
-- New accounts are created locked and without a password: nobody can log in
-- with them until ALTER USER above gives them one.
-- Bootstrap: parvis_admin must hold its grant before the first migration can
-- create any table; scripts/stack creates it with that grant first, and so
-- must a production install (the two statements for parvis_admin below).

CREATE USER IF NOT EXISTS 'parvis_admin'@'localhost' ACCOUNT LOCK;
CREATE USER IF NOT EXISTS 'parvis_portal'@'localhost' ACCOUNT LOCK;
CREATE USER IF NOT EXISTS 'parvis_annuaire'@'localhost' ACCOUNT LOCK;
CREATE USER IF NOT EXISTS 'parvis_icope'@'localhost' ACCOUNT LOCK;
CREATE USER IF NOT EXISTS 'parvis_mailer'@'localhost' ACCOUNT LOCK;

-- Start from nothing, so that narrowing a grant here takes effect on an
-- existing database too.
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'parvis_admin'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'parvis_portal'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'parvis_annuaire'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'parvis_icope'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'parvis_mailer'@'localhost';

-- parvis-admin (CLI): migrations, imports, purges, exports. Owns the schema.
GRANT ALL PRIVILEGES ON parvis.* TO 'parvis_admin'@'localhost';

-- FIRST VERSION, TO BE NARROWED: while the schema is being written, the web
-- programs and the mailer get plain data access on the whole schema (no DDL,
-- no GRANT). As each table lands, replace these lines with per-table grants,
-- e.g. the portal: SELECT, INSERT, UPDATE, DELETE on session; INSERT only on
-- audit_log (append-only: no UPDATE, no DELETE for anyone but parvis_admin);
-- the mailer: SELECT, UPDATE on outbox only.
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.* TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.* TO 'parvis_annuaire'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.* TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.* TO 'parvis_mailer'@'localhost';
