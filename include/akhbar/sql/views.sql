-- Views for the questions analysts ask most, stored in the catalog (any DuckDB session that
-- attaches it has them). Recreated when this file changes (akhbar.lakehouse.tables.ensure_catalog).

CREATE OR REPLACE VIEW daily_volume AS
SELECT dt, source_id, lang, count(*) AS articles
FROM articles
GROUP BY ALL;

CREATE OR REPLACE VIEW top_places_by_day AS
SELECT p.dt, p.country_code, p.name, p.place_type,
       count(DISTINCT p.article_id) AS articles, sum(p.mentions) AS mentions
FROM article_places p
JOIN articles a USING (article_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW duplicate_rate_by_source AS
WITH per_source AS (
    SELECT source_id, count(*) AS articles, 0 AS duplicates FROM articles GROUP BY source_id
    UNION ALL
    SELECT source_id, 0, count(*) FROM duplicates GROUP BY source_id
)
SELECT source_id,
       sum(articles) AS articles,
       sum(duplicates) AS duplicates,
       round(sum(duplicates) / nullif(sum(articles) + sum(duplicates), 0), 4) AS duplicate_rate
FROM per_source
GROUP BY source_id;

CREATE OR REPLACE VIEW source_freshness AS
SELECT s.source_id, s.kind, s.enabled,
       max(a.dt) AS last_night_with_articles,
       max(a.published_at) AS latest_published_at,
       count(a.article_id) AS articles
FROM sources s
LEFT JOIN articles a USING (source_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW quarantine_by_reason AS
SELECT dt, source_id, stage, reason, count(*) AS records
FROM quarantine
GROUP BY ALL;

CREATE OR REPLACE VIEW nightly_summary AS
SELECT r.dt, r.run_id, r.stage, r.records_in, r.records_out, r.rejected, r.duplicates, r.seconds, r.details
FROM runs r
QUALIFY r.recorded_at = max(r.recorded_at) OVER (PARTITION BY r.dt, r.stage);

-- dq_results keeps every validation of every run (failed nights included); this is the latest
-- validation of each night.
CREATE OR REPLACE VIEW dq_latest AS
SELECT * FROM dq_results
QUALIFY checked_at = max(checked_at) OVER (PARTITION BY dt);

-- One row per publish: which snapshot holds which night (the snapshots' own labels).
CREATE OR REPLACE VIEW published_nights AS
SELECT snapshot_id, snapshot_time AS published_at,
       CAST(substr(commit_message, 15) AS DATE) AS dt,
       CAST(json_extract_string(commit_extra_info, '$.run_id') AS VARCHAR) AS run_id,
       CAST(json_extract(commit_extra_info, '$.articles') AS BIGINT) AS articles,
       CAST(json_extract(commit_extra_info, '$.duplicates') AS BIGINT) AS duplicates,
       CAST(json_extract(commit_extra_info, '$.quarantine') AS BIGINT) AS quarantined
FROM akhbar.snapshots()
WHERE commit_message LIKE 'publish night %';
