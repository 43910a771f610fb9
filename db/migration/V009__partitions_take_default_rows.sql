-- A daily partition made after rows for its day already landed in the DEFAULT partition (the
-- application's clock jumped ahead and back, or it was down longer than partitions were made
-- ahead) could not be attached: ATTACH refuses while DEFAULT holds rows of the new range, so
-- upkeep failed at every pass. Now those rows move into the new partition first.
--
-- Locks: the DEFAULT partition is taken ACCESS EXCLUSIVE before its rows move. ATTACH takes that
-- lock on it anyway (to check it holds nothing of the new range), so this only takes it earlier,
-- and no row can slip into DEFAULT between the move and the attach. Inserts into the other
-- partitions go on meanwhile. A day with no rows in DEFAULT (the usual case: partitions are made
-- a week ahead) moves nothing.
CREATE OR REPLACE FUNCTION sluice_ensure_partitions(parent regclass, first_day date, last_day date) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    day date;
    part text;
    created integer := 0;
    key text;
    fallback text := parent::text || '_default';
BEGIN
    SELECT a.attname INTO key
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent;
    FOR day IN SELECT generate_series(first_day, last_day, interval '1 day')::date LOOP
        part := sluice_partition_name(parent, day);
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
        IF to_regclass(fallback) IS NOT NULL THEN
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', fallback);
            EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) '
                           'INSERT INTO %I SELECT * FROM moved',
                           fallback, key, day::timestamptz, key, (day + 1)::timestamptz, part);
        END IF;
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)',
                       part, part || '_range', key, day::timestamptz, key, (day + 1)::timestamptz);
        EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       parent, part, day::timestamptz, (day + 1)::timestamptz);
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_range');
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;
