-- Một Cửa central server, schema 3: dossiers mirrored from their source (the
-- province's one-stop system) through the batch API and file imports.

-- Who last wrote the dossier: 'staff' (PUT), 'push' (batch API), 'import'
-- (file); NULL for rows written before schema 3.
ALTER TABLE dossiers ADD COLUMN source TEXT;
-- The source's own update time (Unix ms) that orders writes: an older one
-- never overwrites a newer one. NULL (rows before schema 3, demo seeds): use
-- updated_at.
ALTER TABLE dossiers ADD COLUMN source_updated_at INTEGER;
-- When a source last sent this dossier, changed or not (Unix ms): how fresh
-- the mirror is.
ALTER TABLE dossiers ADD COLUMN heard_at INTEGER;
-- When the result was handed over (NgayTra), if the source says.
ALTER TABLE dossiers ADD COLUMN returned_at INTEGER;
-- The unit processing it now (DonViXuLy), if the source says.
ALTER TABLE dossiers ADD COLUMN unit TEXT;
