-- A school's resourced provision (or SEN unit): the DfE's census records whether a mainstream school has
-- one and the type of need it is for. NULL = none. Holds a census need code (e.g. 'ASD'); it explains a
-- school's higher share of EHC plans when schools in a trust are compared.
ALTER TABLE schools ADD COLUMN resourced_provision VARCHAR;
