-- The churn scan's first run, its floor (docs/benchmarks.md, issue 15, seventh data set): the status
-- UPDATE of the customers the scan would warn, after a CHECKPOINT, in a transaction rolled back; with
-- -v drop=true the customers' secondary indexes (all but the primary key and the unique constraints)
-- are dropped inside that transaction first. Prints the UPDATE's time and the WAL it wrote.
--
--     psql -d crm_bench -v drop=false -f bench/churn_floor.sql
--     psql -d crm_bench -v drop=true -f bench/churn_floor.sql
\timing on
DROP TABLE IF EXISTS warned;
CREATE TEMP TABLE warned AS
SELECT last.customer_id FROM (
  SELECT customer_id, MAX(ordered_on) AS last_on FROM orders_order
  WHERE customer_id IS NOT NULL AND status IN (5, 6) GROUP BY customer_id) last
JOIN customers_customer c ON c.id = last.customer_id
WHERE last.last_on < (current_date - interval '6 months') AND c.status = 'normal';
SELECT count(*) FROM warned;
VACUUM customers_customer;
CHECKPOINT;
SELECT pg_current_wal_insert_lsn() AS start \gset
BEGIN;
SELECT format('DROP INDEX %I', indexname) FROM pg_indexes WHERE tablename='customers_customer' AND indexname NOT IN (SELECT conname FROM pg_constraint) AND :drop \gexec
UPDATE customers_customer SET status='churn_warning', updated_at=now() WHERE id IN (SELECT customer_id FROM warned) AND status='normal';
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'start'));
ROLLBACK;
