-- A typical first attempt: add a column, index it and backfill it, all in one transaction.
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'pending';

CREATE INDEX orders_status_idx ON orders (status);

UPDATE orders SET status = 'shipped' WHERE shipped_at IS NOT NULL;
