-- Full-text search over the three languages, each with its own stemmer.
-- One index table per language (fts indexes are per table); search_articles() unions them.
-- The indexes hold the display text: the Snowball stemmers do their own Arabic normalisation
-- (alef forms, teh marbuta) and stem better on unfolded words than on the dedup key
-- text_search (stem('العراقية') = stem('العراق') but not stem('العراقيه')). The query only
-- loses diacritics and tatweel, and its Arabic-Indic and Persian digits become ASCII.

CREATE OR REPLACE MACRO akhbar_fold(q) AS
    translate(
        regexp_replace(lower(q), '[ً-ٰٟـ]', '', 'g'),
        '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
        '01234567890123456789'
    );

CREATE OR REPLACE MACRO search_articles(q) AS TABLE
WITH hits AS (
    SELECT article_id, fts_main_search_ar.match_bm25(article_id, akhbar_fold(q)) AS score FROM search_ar
    UNION ALL
    SELECT article_id, fts_main_search_fr.match_bm25(article_id, akhbar_fold(q)) AS score FROM search_fr
    UNION ALL
    SELECT article_id, fts_main_search_en.match_bm25(article_id, akhbar_fold(q)) AS score FROM search_en
)
SELECT a.article_id, a.title, a.published_at, a.dt, a.source_id, a.lang, h.score
FROM hits h JOIN articles a USING (article_id)
WHERE h.score IS NOT NULL
ORDER BY h.score DESC, a.article_id;
