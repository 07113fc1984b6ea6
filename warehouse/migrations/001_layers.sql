-- One schema per layer: raw (every version loaded), core (current canonical rows),
-- quarantine (rejected rows), meta (load history, migrations), marts (views the product reads).
create schema if not exists raw;
create schema if not exists core;
create schema if not exists quarantine;
create schema if not exists marts;
