-- Derives cases.csv (data-contract.md) from a journeys event log, one row per case.
-- Standard SQL with window functions; runs as is in SQLite, DuckDB and PostgreSQL
-- (BigQuery and Spark: replace group_concat with STRING_AGG / concat_ws(collect_list)).
-- Input: a table `events` with the columns of journeys.csv, `seq` its file order
-- (SQLite's rowid after .import), timestamps as ISO 8601 text.
-- If your export needs [rules], apply them here with CASE expressions on touchpoint.
WITH e AS (
  SELECT rowid AS seq, case_id, journey, customer_id, region, department,
         timestamp AS ts_text, julianday(timestamp) AS ts,
         CASE WHEN lower(trim(demand)) = 'failure' THEN 1 ELSE 0 END AS failure,
         NULLIF(lower(trim(outcome)), '') AS outcome
  FROM events
),
o AS (
  SELECT *,
         ROW_NUMBER() OVER w AS rn,
         LAG(department) OVER w AS prev_department
  FROM e
  WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
),
first_row AS (
  SELECT case_id, journey, customer_id, region, ts_text AS start FROM o WHERE rn = 1
),
last_outcome AS (
  SELECT case_id, outcome, ts_text AS end_ts FROM (
    SELECT case_id, outcome, ts_text,
           ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts DESC, seq DESC) AS r
    FROM o WHERE outcome IS NOT NULL
  ) WHERE r = 1
),
counts AS (
  SELECT case_id, COUNT(*) AS contacts, SUM(failure) AS failure_contacts,
         SUM(CASE WHEN prev_department IS NOT NULL AND prev_department <> department THEN 1 ELSE 0 END) AS handoffs
  FROM o GROUP BY case_id
),
by_department AS (
  SELECT case_id, department, SUM(failure) AS failures, MIN(seq) AS first_seq
  FROM o GROUP BY case_id, department
),
departments AS (
  SELECT case_id,
         group_concat(department, ';') AS departments,
         group_concat(CASE WHEN failures > 0 THEN department || ':' || failures END, ';') AS failure_by_department
  FROM (SELECT * FROM by_department ORDER BY case_id, first_seq) GROUP BY case_id
)
SELECT f.case_id, f.journey, f.start, l.end_ts AS "end", l.outcome,
       c.contacts, c.failure_contacts, c.handoffs, d.departments,
       COALESCE(d.failure_by_department, '') AS failure_by_department,
       f.customer_id, f.region
FROM first_row f
JOIN counts c USING (case_id)
JOIN departments d USING (case_id)
LEFT JOIN last_outcome l USING (case_id)
ORDER BY f.case_id;
