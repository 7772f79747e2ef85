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

-- Every web program reads the session store and writes the audit log and
-- the outbox through libparvis.  audit_log: INSERT and SELECT only, for
-- everyone but parvis_admin (append-only; triggers refuse changes anyway).

-- parvis-portal: accounts, sessions, login, CGU, tiles, settings, service
-- centre and administration pages.
GRANT SELECT ON parvis.schema_migrations TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.app_user TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.user_role TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.session TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT ON parvis.audit_log TO 'parvis_portal'@'localhost';
GRANT INSERT ON parvis.outbox TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.account_request TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.account_throttle TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.user_token TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.otp_code TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT ON parvis.login_attempt TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.cgu_document TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT ON parvis.cgu_version TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT ON parvis.cgu_acceptance TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.cgu_state TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.application TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.application_role TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.user_favorite_app TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.user_favorite_panel TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.user_favorite_partner TO 'parvis_portal'@'localhost';
-- The directory's public data, read only: favourite partners
-- (/compte/partenaires: search, partners' details) and the RPPS/ADELI link
-- of accounts (/admin/utilisateurs: name and profession shown).
GRANT SELECT ON parvis.professional TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.practice_site TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.rpps_profession TO 'parvis_portal'@'localhost';

-- parvis-portal: CPTS administration (/admin/cpts): the CPTS and their
-- territories; the directory's communes read to check commune codes; a
-- CPTS's statuses, history and options read to count adherents and to
-- refuse a deletion that would lose them.
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.cpts TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.territory TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.territory_postal_code TO 'parvis_portal'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.territory_commune TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.rpps_commune TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.cpts_professional TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.cpts_professional_history TO 'parvis_portal'@'localhost';
GRANT SELECT ON parvis.professional_option TO 'parvis_portal'@'localhost';

-- parvis-mailer: the outbox, nothing else.
GRANT SELECT, UPDATE ON parvis.outbox TO 'parvis_mailer'@'localhost';

-- What libparvis itself prepares in every web program (sessions, one-time
-- codes, the terms-of-use check, audit log, outbox): parvis_portal's lines
-- above cover it for the portal; the two other programs get it here.
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.session TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.app_user TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.user_role TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.otp_code TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.cgu_document TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.cgu_version TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.cgu_acceptance TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.cgu_state TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT INSERT ON parvis.audit_log TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';
GRANT INSERT ON parvis.outbox TO 'parvis_annuaire'@'localhost', 'parvis_icope'@'localhost';

-- parvis-annuaire: the directory read (the import is parvis-admin's), the
-- professional's own card and options, the CPTS module's statuses, notes
-- and their history.
GRANT SELECT ON parvis.professional TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.practice_site TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.professional_skill TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.professional_mssante TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.rpps_profession TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.rpps_skill TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.rpps_label TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.rpps_commune TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.rpps_import TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.site_place_stat TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.site_skill TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.directory_option TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.directory_lists_state TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.cpts TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.territory TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.territory_postal_code TO 'parvis_annuaire'@'localhost';
GRANT SELECT ON parvis.territory_commune TO 'parvis_annuaire'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.professional_card TO 'parvis_annuaire'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.professional_option TO 'parvis_annuaire'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.cpts_professional TO 'parvis_annuaire'@'localhost';
GRANT SELECT, INSERT ON parvis.cpts_professional_history TO 'parvis_annuaire'@'localhost';

-- parvis-icope: patient files, care circles, STEP 1 / alerts / STEP 2 (the
-- form and instrument tables read only: they are data changed by
-- parvis-admin), the file's history read from the audit log, the
-- directory and the user's favourites read to pick professionals.
GRANT SELECT, INSERT, UPDATE ON parvis.patient TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.care_circle TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.care_circle_contact TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.care_circle_by_name TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.icope_form_version TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.icope_function TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.icope_item TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.icope_instrument TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.icope_band TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.icope_step1 TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, DELETE ON parvis.icope_step1_answer TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT ON parvis.icope_step1_result TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.icope_alert TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT ON parvis.icope_alert_function TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT ON parvis.icope_alert_call TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, UPDATE ON parvis.icope_step2 TO 'parvis_icope'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON parvis.icope_step2_result TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.territory TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.territory_postal_code TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.professional TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.practice_site TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.rpps_profession TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.user_favorite_panel TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.user_favorite_partner TO 'parvis_icope'@'localhost';
GRANT SELECT ON parvis.audit_log TO 'parvis_icope'@'localhost';
