-- The roles and the database Pika needs, as a superuser creates them (only a superuser may
-- grant BYPASSRLS). Safe to run again: it creates what is missing and resets the passwords.
-- scripts/db.sh runs it on the project's own cluster; on another server a superuser runs it
-- (README, Deploying), from the project folder:
--
--   psql "postgres://SUPERUSER@HOST/postgres" -v ON_ERROR_STOP=1 \
--     -v owner=pika -v web=pika_web -v database=pika \
--     -v owner_password="$PG_PASSWORD" -v web_password="$PG_WEB_PASSWORD" \
--     -f scripts/database-roles.sql
--
-- The owner owns the database and may create the test database, but is no superuser; it
-- bypasses row level security for migrations, loaddata and operator commands. The web logs in
-- as its own login: it owns nothing, bypasses nothing, and may only SET ROLE application_role
-- (NOINHERIT: without that it holds no privilege at all). pika_staff, the bypass role of
-- earlier versions, is kept inert (no members, no bypass, no privileges after security.0005)
-- so that old migrations still replay.

-- Granting a role that is already granted is a NOTICE on every run.
SET client_min_messages = warning;

SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
ALTER ROLE :"owner" WITH LOGIN CREATEDB BYPASSRLS PASSWORD :'owner_password';

SELECT 'CREATE ROLE application_role NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'application_role') \gexec
SELECT 'CREATE ROLE pika_staff NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pika_staff') \gexec
ALTER ROLE application_role WITH NOLOGIN NOBYPASSRLS;
ALTER ROLE pika_staff WITH NOLOGIN NOBYPASSRLS;
GRANT application_role, pika_staff TO :"owner";

SELECT format('CREATE ROLE %I LOGIN', :'web')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'web') \gexec
ALTER ROLE :"web" WITH LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOBYPASSRLS
  PASSWORD :'web_password';
GRANT application_role TO :"web";

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
