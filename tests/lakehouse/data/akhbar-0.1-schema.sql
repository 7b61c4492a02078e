-- The warehouse tables. Loaded night by night from the lake by akhbar.warehouse.load_night.
-- `articles` holds one row per story (the first article of each duplicate cluster);
-- duplicates keep only the link to that article, not a second copy of the text.

CREATE TABLE IF NOT EXISTS articles (
    article_id        VARCHAR PRIMARY KEY,
    record_id         VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    url               VARCHAR,
    canonical_url     VARCHAR,
    title             VARCHAR,
    text              VARCHAR NOT NULL,
    text_search       VARCHAR NOT NULL,
    authors           VARCHAR,
    lang              VARCHAR NOT NULL,
    lang_score        FLOAT,
    title_lang        VARCHAR,
    title_lang_score  FLOAT,
    published_at      TIMESTAMPTZ,
    date_source       VARCHAR,
    fetched_at        TIMESTAMPTZ NOT NULL,
    dt                DATE NOT NULL,
    content_hash      VARCHAR NOT NULL,
    category_raw      VARCHAR,
    category          VARCHAR,
    main_country      VARCHAR,
    n_chars           INTEGER,
    n_words           INTEGER,
    n_sentences       INTEGER,
    reading_minutes   FLOAT,
    letter_ratio      FLOAT,
    repeated_line_ratio FLOAT,
    is_fragment       BOOLEAN,
    is_short          BOOLEAN,
    is_mostly_nonletters BOOLEAN,
    is_repetitive     BOOLEAN,
    cluster_id        VARCHAR
);

CREATE TABLE IF NOT EXISTS duplicates (
    article_id    VARCHAR PRIMARY KEY,
    duplicate_of  VARCHAR NOT NULL,
    cluster_id    VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    similarity    FLOAT,
    source_id     VARCHAR NOT NULL,
    url           VARCHAR,
    title         VARCHAR,
    dt            DATE NOT NULL
);

-- The child tables have keys but no PRIMARY KEY constraint: DuckDB keeps an ART index per
-- constraint, and at ten keywords an article its upkeep was most of a 1M-article load (26 s of
-- it for article_keywords alone). Their keys, (article_id, place_id), (article_id, char_offset)
-- and (article_id, keyword), are checked by critical Great Expectations before any load
-- (akhbar.quality.suites), and a load replaces a night's rows whole, so a rerun never doubles one.
CREATE TABLE IF NOT EXISTS article_places (
    article_id    VARCHAR NOT NULL,
    place_id      VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    country_code  VARCHAR NOT NULL,
    place_type    VARCHAR NOT NULL,
    mentions      INTEGER NOT NULL,
    dt            DATE NOT NULL
);

CREATE TABLE IF NOT EXISTS article_dates (
    article_id    VARCHAR NOT NULL,
    mention       VARCHAR NOT NULL,
    date          DATE NOT NULL,
    granularity   VARCHAR NOT NULL,
    calendar      VARCHAR NOT NULL,
    is_relative   BOOLEAN NOT NULL,
    char_offset   INTEGER NOT NULL,
    dt            DATE NOT NULL
);

CREATE TABLE IF NOT EXISTS article_keywords (
    article_id    VARCHAR NOT NULL,
    keyword       VARCHAR NOT NULL,
    score         FLOAT NOT NULL,
    rank          SMALLINT NOT NULL,
    dt            DATE NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    record_id     VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    stage         VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    detail        VARCHAR,
    locator       VARCHAR,
    dt            DATE NOT NULL,
    PRIMARY KEY (dt, record_id)
);

CREATE TABLE IF NOT EXISTS sources (
    source_id     VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    name          VARCHAR,
    location      VARCHAR,
    country       VARCHAR,
    lang          VARCHAR,
    timezone      VARCHAR,
    enabled       BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    run_id        VARCHAR NOT NULL,
    dt            DATE NOT NULL,
    stage         VARCHAR NOT NULL,
    records_in    BIGINT NOT NULL,
    records_out   BIGINT NOT NULL,
    rejected      BIGINT NOT NULL,
    duplicates    BIGINT NOT NULL,
    changed       BIGINT NOT NULL,
    seconds       DOUBLE NOT NULL,
    details       VARCHAR,
    recorded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, dt, stage)
);

CREATE TABLE IF NOT EXISTS dq_results (
    run_id        VARCHAR NOT NULL,
    dt            DATE NOT NULL,
    suite         VARCHAR NOT NULL,
    expectation   VARCHAR NOT NULL,
    "column"      VARCHAR,
    severity      VARCHAR NOT NULL,
    success       BOOLEAN NOT NULL,
    observed      VARCHAR,
    details       VARCHAR,
    checked_at    TIMESTAMPTZ NOT NULL
);

-- Document frequencies behind each night's keywords (TF-IDF against that night's articles).
CREATE TABLE IF NOT EXISTS keyword_doc_freq (
    dt            DATE NOT NULL,
    term          VARCHAR NOT NULL,
    df            BIGINT NOT NULL,
    n_docs        BIGINT NOT NULL,
    PRIMARY KEY (dt, term)
);
