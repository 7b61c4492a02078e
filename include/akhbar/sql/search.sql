-- Full-text search over the three languages, each with its own Snowball stemmer (BM25).
--
-- The index (akhbar.lakehouse.search_index) is four catalog tables: search_postings (lang, term,
-- docid, tf, len, impact_rank, dt), one row per (stemmed term, document) with its count and the
-- document's length; search_terms (lang, term, df, dt), a term's document frequency in a night;
-- search_docs (lang, docid, article_id, len, title, published_at, source_id, dt), one row per kept
-- article of a language with a stemmer; search_stats (dt, lang, n_docs, total_len). Terms are the
-- 64-bit md5 of the stem (md5_number_lower(stem(token, 'arabic'))), the same function at indexing and
-- at query time, so no term dictionary is shared between nights. (A word that no stemmer changes is
-- then the same value in all three languages: one value to look up, not three.) Postings files are
-- sorted by (lang, term, impact_rank): a query reads only the row groups whose term range holds its
-- terms, scores from the postings alone, and reads search_docs only for its best documents.
--
-- Impact-ordered reading. impact_rank orders a term's postings within one index file (a night, or a
-- batch of 50,000 rows of a big night's work file) by BM25's term-frequency part, tf against the
-- document's length, with a fixed reference length per language in place of the mean (so removing a
-- demoted document only closes a gap: search_index.IMPACT_REFERENCE_LENGTH). search_articles(q) with no k reads every posting: exactly the extension's
-- match_bm25. With k, it reads a term's postings only down to rank max(k, 1000) in each file, so a
-- word found in a fifth of a million articles costs a few thousand rows, not two hundred thousand.
-- The top k is then exact for any term in at most 1000 documents of each file and for a one-word
-- query (up to the length used for ranking, the reference against the catalog's mean); in a
-- many-word query a document whose only occurrences of a very common word lie beyond that rank is
-- scored on its other words.
--
-- Tokens are those of the fts extension: lower-case, accents stripped, runs of letters and digits of
-- any script; stems are the extension's stem(). Scores are the extension's match_bm25 with its
-- defaults (k1 = 1.2, b = 0.75, disjunctive): a document matches when it contains at least one query
-- term, and its score is the sum over the distinct query terms it contains of
-- idf(term) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl)),
-- idf = log10((num_docs - df + 0.5) / (df + 0.5) + 1), with num_docs, avgdl and df per language.
-- A word repeated in the query counts once. The query is only data: it is split into tokens inside
-- SQL, never spliced into SQL text; an empty query or one without letters or digits returns no rows.
--
-- The index holds the display text: the Snowball stemmers do their own Arabic normalisation (alef
-- forms, teh marbuta). The query only loses diacritics (U+064B-U+065F, U+0670) and tatweel, and its
-- Arabic-Indic and Persian digits become ASCII.
--
-- search_articles(q) returns every match; search_articles(q, k := 20) the best 20, ordered by score
-- desc, then article_id. It needs stem() from the fts extension (akhbar's sessions load it from the
-- duckdb-extension-fts wheel; see the README for a plain duckdb session).

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
        lambda t: t <> ''
    );

CREATE OR REPLACE MACRO search_articles(q, k := 0) AS TABLE
WITH qtokens AS (
    SELECT DISTINCT unnest(akhbar_tokens(akhbar_fold(coalesce(q, '')))) AS tok
),
qterms AS (
    SELECT DISTINCT lang, term FROM (
        SELECT 'ar' AS lang, md5_number_lower(stem(tok, 'arabic')) AS term FROM qtokens
        UNION ALL SELECT 'fr', md5_number_lower(stem(tok, 'french')) FROM qtokens
        UNION ALL SELECT 'en', md5_number_lower(stem(tok, 'english')) FROM qtokens
    )
),
-- The query's terms that the index holds, with their document frequencies: only these are looked
-- up in the postings. A word's stem in the two other languages is usually in no index, but in a
-- file sorted by term every value falls inside some row group's range: looking it up there would
-- decode a row group for nothing (at 1M articles, two Arabic words read 3 row groups instead of 16).
df AS MATERIALIZED (
    SELECT t.lang, t.term, sum(t.df) AS df
    FROM search_terms t SEMI JOIN qterms q ON t.lang = q.lang AND t.term = q.term
    GROUP BY t.lang, t.term
),
-- With k, a term's postings are read only down to impact rank max(k, 1000) of each index file.
postings AS MATERIALIZED (
    SELECT p.lang, p.term, p.docid, p.tf, p.len
    FROM search_postings p SEMI JOIN df q ON p.lang = q.lang AND p.term = q.term
    WHERE p.impact_rank <= CASE WHEN k > 0 THEN greatest(k, 1000) ELSE 2147483647 END
),
stats AS (
    SELECT lang, sum(n_docs) AS num_docs, sum(total_len) / sum(n_docs) AS avgdl
    FROM search_stats GROUP BY lang HAVING sum(n_docs) > 0
),
scored AS (
    SELECT p.lang, p.docid,
           sum(log((s.num_docs - f.df + 0.5) / (f.df + 0.5) + 1)
               * (p.tf * (1.2 + 1)) / (p.tf + 1.2 * (1 - 0.75 + 0.75 * (p.len / s.avgdl)))) AS score
    FROM postings p
    JOIN df f ON f.lang = p.lang AND f.term = p.term
    JOIN stats s ON s.lang = p.lang
    GROUP BY p.lang, p.docid
),
-- The best k documents (a tie at the k-th place goes to the earlier night, then the article earlier
-- in its night's work file): few enough that the lookup in search_docs reads only the row groups holding them.
-- A docid names one document of one night in one language (search_index.docid_base), and search_docs
-- files are sorted by docid: the lookup joins on docid alone, one row group per document.
best AS (
    SELECT lang, docid, score FROM scored
    QUALIFY row_number() OVER (ORDER BY score DESC, docid)
            <= CASE WHEN k > 0 THEN k ELSE 9223372036854775807 END
)
SELECT d.article_id, d.title, d.published_at, d.dt, d.source_id, d.lang, b.score
FROM best b JOIN search_docs d ON d.docid = b.docid
ORDER BY b.score DESC, d.article_id
LIMIT CASE WHEN k > 0 THEN k ELSE 9223372036854775807 END;
