-- name: Articles per night, source and language
SELECT dt, source_id, lang, articles FROM daily_volume ORDER BY dt, source_id, lang;
-- name: Full-text search in Arabic (stemmed: العراق also finds العراقية)
SELECT title, dt, source_id, round(score, 2) AS score FROM search_articles('العراق') LIMIT 5;
-- name: Full-text search in French
SELECT title, source_id, round(score, 2) AS score FROM search_articles('festival') LIMIT 5;
-- name: Most mentioned countries
SELECT country_code, count(DISTINCT article_id) AS articles, sum(mentions) AS mentions
FROM article_places JOIN articles USING (article_id) GROUP BY country_code ORDER BY articles DESC, country_code LIMIT 8;
-- name: Maghreb places by night
SELECT dt, name, country_code, articles FROM top_places_by_day
WHERE country_code IN ('TN', 'DZ', 'MA') ORDER BY dt, articles DESC, name LIMIT 10;
-- name: Dates mentioned in Arabic articles, with how they were written
SELECT d.mention, d.date, d.granularity, d.calendar FROM article_dates d JOIN articles a USING (article_id)
WHERE a.lang = 'ar' AND d.calendar = 'hijri' OR (a.lang = 'ar' AND d.mention LIKE '%جويلية%') ORDER BY d.date LIMIT 8;
-- name: Top keywords of the last night
SELECT keyword, count(*) AS articles, round(avg(score), 3) AS mean_score FROM article_keywords
WHERE dt = (SELECT max(dt) FROM articles) GROUP BY keyword ORDER BY articles DESC, keyword LIMIT 8;
-- name: Duplicates and the article they copy
SELECT d.source_id, d.kind, round(d.similarity::DOUBLE, 2) AS similarity, d.title AS duplicate, a.source_id AS first_source
FROM duplicates d JOIN articles a ON a.article_id = d.duplicate_of ORDER BY d.dt, d.kind;
-- name: Quarantine by reason
SELECT dt, source_id, stage, reason, records FROM quarantine_by_reason ORDER BY dt, source_id;
-- name: Where publication dates came from, per source
SELECT source_id, date_source, count(*) AS articles FROM articles GROUP BY ALL ORDER BY source_id, articles DESC;
-- name: Source freshness
SELECT source_id, kind, last_night_with_articles, latest_published_at, articles FROM source_freshness ORDER BY source_id;
-- name: Quality results of the last night
SELECT suite, severity, count(*) FILTER (WHERE success) AS passed, count(*) FILTER (WHERE NOT success) AS failed
FROM dq_latest WHERE dt = (SELECT max(dt) FROM dq_latest) GROUP BY ALL ORDER BY suite, severity;
