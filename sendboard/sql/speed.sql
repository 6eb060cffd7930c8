-- Speed: the few reads the browser benchmark makes of a bench database before the app opens it.

-- name: speed_term_labels_from
-- The terms the sidebar offers as at $on, newest first (the term selector's labels).
SELECT label FROM terms WHERE start_date <= CAST($on AS DATE) ORDER BY term_id DESC;
