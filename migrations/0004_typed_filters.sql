-- Schedules' free-form `filters` become the typed report filters (src/listings/listing-filters.ts):
-- property_types, min_price, max_price, min_beds, min_baths, min_sqft, max_sqft,
-- min_year_built, max_year_built. The old object was stored but never narrowed a report, so mapping
-- it changes no report sent so far. Keys whose meaning is clear (the typed names, SimplyRETS's
-- query names, common spellings) are mapped when their value fits the new rule; everything else
-- is dropped, and every non-empty original is kept in schedule_filters_before_0004.

CREATE TABLE schedule_filters_before_0004 (
    schedule_id UUID PRIMARY KEY REFERENCES schedules (id) ON DELETE CASCADE,
    filters JSONB NOT NULL,
    saved_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Only the system role (the same reach as the tick) may read it; tenants never see it.
GRANT SELECT, INSERT ON schedule_filters_before_0004 TO market_reports_system;

-- Helpers for this migration only, dropped at its end.

-- A number from a JSON number or numeric string, else NULL.
CREATE FUNCTION migrate_0004_number(value JSONB) RETURNS NUMERIC
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT CASE
            WHEN jsonb_typeof(value) = 'number' THEN value::text::numeric
            WHEN jsonb_typeof(value) = 'string' AND (value #>> '{}') ~ '^\s*\d+(\.\d+)?\s*$' THEN trim(value #>> '{}')::numeric
        END
    $$;

-- The first of `names` present in `old` as a number within [low, high], rounded to `step`.
CREATE FUNCTION migrate_0004_bound(old JSONB, names TEXT[], low NUMERIC, high NUMERIC, step NUMERIC) RETURNS NUMERIC
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT v FROM (
            SELECT round(migrate_0004_number(old -> n) / step) * step AS v, ord
            FROM unnest(names) WITH ORDINALITY AS t(n, ord)
            WHERE old ? n
        ) found
        WHERE v IS NOT NULL AND v BETWEEN low AND high
        ORDER BY ord
        LIMIT 1
    $$;

-- Property types from a string or a list of strings, in any common spelling.
CREATE FUNCTION migrate_0004_types(old JSONB) RETURNS JSONB
    LANGUAGE sql IMMUTABLE
    AS $$
        WITH raw AS (
            SELECT CASE jsonb_typeof(v) WHEN 'array' THEN v WHEN 'string' THEN jsonb_build_array(v) ELSE '[]'::jsonb END AS list
            FROM (
                SELECT old -> n AS v
                FROM unnest(ARRAY['property_types', 'property_type', 'propertyTypes', 'propertyType', 'types', 'type']) WITH ORDINALITY AS t(n, ord)
                WHERE old ? n
                ORDER BY ord
                LIMIT 1
            ) first_present
        ),
        mapped AS (
            SELECT DISTINCT ON (typ) typ, ord
            FROM raw, jsonb_array_elements(raw.list) WITH ORDINALITY AS e(item, ord),
            LATERAL (
                SELECT CASE regexp_replace(lower(item #>> '{}'), '[^a-z]', '', 'g')
                    WHEN 'residential' THEN 'residential' WHEN 'res' THEN 'residential' WHEN 'singlefamily' THEN 'residential'
                    WHEN 'sfr' THEN 'residential' WHEN 'house' THEN 'residential'
                    WHEN 'condominium' THEN 'condominium' WHEN 'condo' THEN 'condominium' WHEN 'cnd' THEN 'condominium'
                    WHEN 'townhouse' THEN 'condominium' WHEN 'townhome' THEN 'condominium'
                    WHEN 'multifamily' THEN 'multifamily' WHEN 'mlf' THEN 'multifamily'
                    WHEN 'land' THEN 'land' WHEN 'lnd' THEN 'land' WHEN 'lot' THEN 'land'
                    WHEN 'mobilehome' THEN 'mobilehome' WHEN 'mobile' THEN 'mobilehome' WHEN 'manufactured' THEN 'mobilehome'
                    WHEN 'farm' THEN 'farm' WHEN 'frm' THEN 'farm' WHEN 'ranch' THEN 'farm'
                END AS typ
            ) m
            WHERE jsonb_typeof(item) = 'string' AND typ IS NOT NULL
            ORDER BY typ, ord
        )
        SELECT CASE WHEN count(*) = 0 THEN NULL ELSE jsonb_agg(to_jsonb(typ) ORDER BY ord) END FROM mapped
    $$;

CREATE FUNCTION migrate_0004_filters(old JSONB) RETURNS JSONB
    LANGUAGE plpgsql IMMUTABLE
    AS $$
    DECLARE
        f JSONB;
    BEGIN
        IF old IS NULL OR jsonb_typeof(old) <> 'object' THEN
            RETURN '{}'::jsonb;
        END IF;
        f := jsonb_strip_nulls(jsonb_build_object(
            'property_types', migrate_0004_types(old),
            'min_price', migrate_0004_bound(old, ARRAY['min_price', 'minprice', 'minPrice', 'price_min'], 0, 1000000000, 1),
            'max_price', migrate_0004_bound(old, ARRAY['max_price', 'maxprice', 'maxPrice', 'price_max'], 0, 1000000000, 1),
            'min_beds', migrate_0004_bound(old, ARRAY['min_beds', 'minbeds', 'minBeds', 'beds_min', 'beds'], 0, 20, 1),
            'min_baths', migrate_0004_bound(old, ARRAY['min_baths', 'minbaths', 'minBaths', 'baths_min', 'baths'], 0, 20, 0.5),
            'min_sqft', migrate_0004_bound(old, ARRAY['min_sqft', 'minarea', 'minArea', 'sqft_min'], 0, 100000, 1),
            'max_sqft', migrate_0004_bound(old, ARRAY['max_sqft', 'maxarea', 'maxArea', 'sqft_max'], 0, 100000, 1),
            'min_year_built', migrate_0004_bound(old, ARRAY['min_year_built', 'minyear', 'minYear', 'year_built_min'], 1600, 2100, 1),
            'max_year_built', migrate_0004_bound(old, ARRAY['max_year_built', 'maxyear', 'maxYear', 'year_built_max'], 1600, 2100, 1)
        ));
        -- A band whose bounds cross cannot be meant; both ends are dropped (the original is kept).
        IF (f ->> 'min_price')::numeric > (f ->> 'max_price')::numeric THEN f := f - 'min_price' - 'max_price'; END IF;
        IF (f ->> 'min_sqft')::numeric > (f ->> 'max_sqft')::numeric THEN f := f - 'min_sqft' - 'max_sqft'; END IF;
        IF (f ->> 'min_year_built')::numeric > (f ->> 'max_year_built')::numeric THEN f := f - 'min_year_built' - 'max_year_built'; END IF;
        RETURN f;
    END
    $$;

-- schedules has FORCE ROW LEVEL SECURITY: only the system role's policy lets a migration that
-- does not run as a superuser see every account's rows. (Plain SET: the migration's transaction
-- undoes it on failure, RESET ends it on success.)
SET ROLE market_reports_system;

INSERT INTO schedule_filters_before_0004 (schedule_id, filters)
SELECT id, filters FROM schedules WHERE filters <> '{}'::jsonb;

UPDATE schedules
SET filters = migrate_0004_filters(filters)
WHERE filters <> '{}'::jsonb;

RESET ROLE;

DROP FUNCTION migrate_0004_filters(JSONB);
DROP FUNCTION migrate_0004_types(JSONB);
DROP FUNCTION migrate_0004_bound(JSONB, TEXT[], NUMERIC, NUMERIC, NUMERIC);
DROP FUNCTION migrate_0004_number(JSONB);

COMMENT ON COLUMN schedules.filters IS
    'Typed report filters (src/listings/listing-filters.ts): property_types, min_price, max_price, min_beds, min_baths, min_sqft, max_sqft, min_year_built, max_year_built; {} = defaults.';
