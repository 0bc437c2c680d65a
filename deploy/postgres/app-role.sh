#!/bin/sh
# Runs once, when the db service starts on an empty volume (docker-entrypoint-initdb.d): the
# app's own role, which owns the aidtracker database and everything migrations make in it,
# and is not a superuser. POSTGRES_USER (the image's superuser) is for administration only.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE aidtracker LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
CREATE DATABASE aidtracker OWNER aidtracker;
SQL
