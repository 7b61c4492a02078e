-- Stories in the catalog: views and macros over the tables of akhbar.stories (stories, article_stories,
-- article_embeddings, story_links; schemas in akhbar.schema), recreated with the other catalog SQL.
-- `articles` holds the first article of each duplicate cluster and `duplicates` the others: a duplicate
-- is shown in the story of the article it duplicates (its head), wherever the two were published.
-- Embeddings are unit vectors stored as FLOAT[] (DuckLake has no fixed-size arrays): their inner
-- product is their cosine.

-- Every article of every story, duplicates included, with when it was reported.
CREATE OR REPLACE VIEW story_articles AS
SELECT s.story_id, s.article_id, s.dt, a.source_id, a.lang, a.title, a.url,
       coalesce(a.published_at, CAST(s.dt AS TIMESTAMPTZ)) AS reported_at,
       CAST(NULL AS VARCHAR) AS duplicate_of, s.score
FROM article_stories s
JOIN articles a ON a.article_id = s.article_id
UNION ALL
SELECT coalesce(hs.story_id, own.story_id) AS story_id, d.article_id, d.dt, d.source_id, h.lang, d.title, d.url,
       CAST(d.dt AS TIMESTAMPTZ) AS reported_at, d.duplicate_of, own.score
FROM duplicates d
LEFT JOIN article_stories hs ON hs.article_id = d.duplicate_of
LEFT JOIN article_stories own ON own.article_id = d.article_id
LEFT JOIN articles h ON h.article_id = d.duplicate_of
WHERE coalesce(hs.story_id, own.story_id) IS NOT NULL;

-- Per story, per source and language: when it first reported the story, with which article, and how
-- long after the story's first report (report_rank 1 = who had it first).
CREATE OR REPLACE VIEW story_timeline AS
SELECT story_id, source_id, lang,
       min(reported_at) AS first_reported_at,
       min_by(article_id, (reported_at, article_id)) AS first_article_id,
       min_by(title, (reported_at, article_id)) AS first_title,
       count(*) AS articles,
       min(reported_at) - min(min(reported_at)) OVER (PARTITION BY story_id) AS after_first_report,
       rank() OVER (PARTITION BY story_id ORDER BY min(reported_at), source_id, lang) AS report_rank
FROM story_articles
GROUP BY story_id, source_id, lang;

-- The k articles nearest to a query vector (512 floats from the same encoder, unit length): for
-- clients that embed their query themselves.
CREATE OR REPLACE MACRO search_vector(query_vector, k) AS TABLE
WITH query AS (SELECT CAST(query_vector AS FLOAT[]) AS vector)
SELECT e.article_id, a.dt, a.source_id, a.lang, a.title, s.story_id,
       list_inner_product(e.vector, query.vector) AS similarity
FROM article_embeddings e
CROSS JOIN query
JOIN articles a ON a.article_id = e.article_id
LEFT JOIN article_stories s ON s.article_id = e.article_id
WHERE len(query.vector) = len(e.vector)
ORDER BY similarity DESC, e.article_id
LIMIT k;

-- The k articles nearest to an article by embedding cosine (any language), with their story: the k
-- nearest to its vector but itself, all among the k + 1 nearest.
CREATE OR REPLACE MACRO similar_articles(target_article_id, k) AS TABLE
FROM search_vector((SELECT any_value(vector) FROM article_embeddings WHERE article_id = target_article_id), k + 1)
WHERE article_id <> target_article_id
ORDER BY similarity DESC, article_id
LIMIT k;

-- The k articles nearest in meaning to the text q, in any of the encoder's languages: a query in
-- French finds Arabic and English articles on the same subject. akhbar_embed(text) is the offline
-- encoder (akhbar.stories.search), a function every session akhbar opens registers; a plain DuckDB
-- session has search_vector only (or registers it: `akhbar.stories.search.register(con)`).
CREATE OR REPLACE MACRO search_semantic(q, k) AS TABLE
FROM search_vector(akhbar_embed(q), k);
