-- Transfer files: where an imported file came from and when it was made, kept in the import history.
-- source: for a Common Transfer File, the sending school as its header names it (name, URN, LA and
-- establishment number) with the CTF version and whether the file is full or partial; file_date: the
-- header's DateTime (when the sending school made the file). Both NULL for MIS CSV and workbook files.
ALTER TABLE import_files ADD COLUMN source VARCHAR;
ALTER TABLE import_files ADD COLUMN file_date TIMESTAMP;
