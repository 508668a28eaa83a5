-- The safe way: one concurrent build alone in its file, so golang-migrate sends it on its own.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);
