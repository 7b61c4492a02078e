-- Full-text search over the three languages, each with its own Snowball stemmer.
--
-- The index (akhbar.warehouse.rebuild_search_index) keeps, per language, the tables of the fts
-- extension's layout: search_<lang>_docs (docid, article_id, len), search_<lang>_dict (termid,
-- term, df), search_<lang>_terms (termid, docid, tf) and search_<lang>_stats (num_docs, avgdl),
-- tokenised like the extension (lower-case, accents stripped, runs of letters and digits) and
-- stemmed with its stem(). The extension's match_bm25 scores every row of the table; here the
-- query terms are looked up in dict, only their postings are read (terms is ordered by termid,
-- so zone maps skip the rest) and BM25 is summed for the documents that contain them.
--
-- Semantics: the same as match_bm25 with its defaults (k1 = 1.2, b = 0.75, disjunctive): a
-- document matches when it contains at least one query term, and its score is the sum over the
-- distinct query terms it contains of idf(term) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl)),
-- idf = log10((num_docs - df + 0.5) / (df + 0.5) + 1) (the extension uses log, i.e. base 10).
-- A word repeated in the query counts once.
-- The query is only data: it is split into tokens inside SQL, never spliced into SQL text;
-- an empty query or one without letters or digits returns no rows. (match_bm25 keeps the empty
-- token a leading or trailing separator leaves, which matches the rare document where a word stems
-- to the empty string; search_articles drops empty tokens.)
--
-- The indexes hold the display text: the Snowball stemmers do their own Arabic normalisation
-- (alef forms, teh marbuta) and stem better on unfolded words than on the dedup key
-- text_search (stem('العراقية') = stem('العراق') but not stem('العراقيه')). The query only
-- loses diacritics (U+064B-U+065F, U+0670) and tatweel, and its Arabic-Indic and Persian digits
-- become ASCII (the diacritic range stops before the digits U+0660-U+0669).
--
-- search_articles(q) returns every match; search_articles(q, k := 20) only the best 20
-- (computed per language, then merged: cheap), ordered by score desc, then article_id.

CREATE OR REPLACE MACRO akhbar_fold(q) AS
    translate(
        regexp_replace(lower(q), '[ً-ٰٟـ]', '', 'g'),
        '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
        '01234567890123456789'
    );

-- The extension's tokenize(): lower-case, strip accents, split on runs of non letters/digits.
CREATE OR REPLACE MACRO akhbar_tokens(s) AS
    list_filter(
        string_split_regex(regexp_replace(lower(strip_accents(CAST(s AS VARCHAR))), '(\.|[^\p{L}\p{N}])+', ' ', 'g'), '\s+'),
        t -> t <> ''
    );

CREATE OR REPLACE MACRO search_articles(q, k := NULL) AS TABLE
WITH qtokens AS (
    SELECT DISTINCT unnest(akhbar_tokens(akhbar_fold(coalesce(q, '')))) AS tok
),
ar_terms AS (
    SELECT d.termid, d.df FROM search_ar_dict d
    WHERE d.df > 0 AND d.term IN (SELECT stem(tok, 'arabic') FROM qtokens)
),
ar_hits AS (
    SELECT t.docid,
           sum(log((s.num_docs - q.df + 0.5) / (q.df + 0.5) + 1)
               * (t.tf * (1.2 + 1)) / (t.tf + 1.2 * (1 - 0.75 + 0.75 * (d.len / s.avgdl)))) AS score
    FROM search_ar_terms t
    JOIN ar_terms q ON t.termid = q.termid
    JOIN search_ar_docs d ON d.docid = t.docid
    CROSS JOIN search_ar_stats s
    WHERE t.termid IN (SELECT termid FROM ar_terms)
    GROUP BY t.docid
),
ar_top AS (
    SELECT d.article_id, h.score FROM ar_hits h JOIN search_ar_docs d ON d.docid = h.docid
    ORDER BY h.score DESC, d.article_id LIMIT k
),
fr_terms AS (
    SELECT d.termid, d.df FROM search_fr_dict d
    WHERE d.df > 0 AND d.term IN (SELECT stem(tok, 'french') FROM qtokens)
),
fr_hits AS (
    SELECT t.docid,
           sum(log((s.num_docs - q.df + 0.5) / (q.df + 0.5) + 1)
               * (t.tf * (1.2 + 1)) / (t.tf + 1.2 * (1 - 0.75 + 0.75 * (d.len / s.avgdl)))) AS score
    FROM search_fr_terms t
    JOIN fr_terms q ON t.termid = q.termid
    JOIN search_fr_docs d ON d.docid = t.docid
    CROSS JOIN search_fr_stats s
    WHERE t.termid IN (SELECT termid FROM fr_terms)
    GROUP BY t.docid
),
fr_top AS (
    SELECT d.article_id, h.score FROM fr_hits h JOIN search_fr_docs d ON d.docid = h.docid
    ORDER BY h.score DESC, d.article_id LIMIT k
),
en_terms AS (
    SELECT d.termid, d.df FROM search_en_dict d
    WHERE d.df > 0 AND d.term IN (SELECT stem(tok, 'english') FROM qtokens)
),
en_hits AS (
    SELECT t.docid,
           sum(log((s.num_docs - q.df + 0.5) / (q.df + 0.5) + 1)
               * (t.tf * (1.2 + 1)) / (t.tf + 1.2 * (1 - 0.75 + 0.75 * (d.len / s.avgdl)))) AS score
    FROM search_en_terms t
    JOIN en_terms q ON t.termid = q.termid
    JOIN search_en_docs d ON d.docid = t.docid
    CROSS JOIN search_en_stats s
    WHERE t.termid IN (SELECT termid FROM en_terms)
    GROUP BY t.docid
),
en_top AS (
    SELECT d.article_id, h.score FROM en_hits h JOIN search_en_docs d ON d.docid = h.docid
    ORDER BY h.score DESC, d.article_id LIMIT k
),
hits AS (
    SELECT article_id, score FROM ar_top
    UNION ALL SELECT article_id, score FROM fr_top
    UNION ALL SELECT article_id, score FROM en_top
    ORDER BY score DESC, article_id LIMIT k
)
SELECT a.article_id, a.title, a.published_at, a.dt, a.source_id, a.lang, h.score
FROM hits h JOIN articles a USING (article_id)
ORDER BY h.score DESC, a.article_id;
