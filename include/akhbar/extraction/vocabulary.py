"""The words that tell what a block of a news page is: class and id names, and the short texts of
boxes (read also, comments, share, credits), in Arabic, French and English.

Class names are one signal among several (many sites use generated names): they mark a block as
likely boilerplate or likely article text, and the decision is made with the block's text.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Class/id words of boilerplate blocks, matched on each class token split at "-" and "_" (lower-cased),
# and the prefix of the ones that take any ending ("advertisement", "advertorial").
_BOILERPLATE_WORDS = frozenset(
    ["share", "sharing", "sharebar", "social", "sociaux", "related", "connexes", "newsletter", "newsletters", "subscribe", "subscription", "abonnement", "cookie", "cookies", "consent", "gdpr", "ad", "ads", "adslot", "dfp", "promo", "promos", "breadcrumb", "breadcrumbs", "sidebar", "navbar", "nav", "menu", "footer", "widget", "widgets", "popup", "modal", "outbrain", "taboola", "readmore", "recommended", "recommendations", "popular", "trending", "tags", "taglist", "tagslist", "keywords", "toolbar", "sponsored", "partners", "caption", "credit", "credits", "legende", "légende", "signup", "login", "paywall", "pagination", "skiplink", "disqus", "most", "mostread", "breaking", "ticker", "byline", "author", "masthead", "banner", "copyright"]
)  # fmt: skip
_BOILERPLATE_PREFIX = "advert"
# Comment sections: "comments", "comment-form", "comment-list"... but not a live blog's
# "live-match-comment" (commentary) nor "commentary".
_COMMENT_TOKEN = re.compile(
    r"^(?:comments?|commentaires?|reactions?)(?:$|[-_](?:list|form|area|section|wrapper|respond|reply|"
    r"count|block|box|container|thread|title))|^respond$|(?:^|[-_])comments(?:$|[-_])",
    re.IGNORECASE,
)
# Class/id words of the article's own text.
_CONTENT_WORDS = re.compile(
    r"articlebody|article[-_]?body|article[-_]?content|article[-_]?text|entry[-_]?content|post[-_]?content|"
    r"post[-_]?body|story[-_]?body|story[-_]?content|content[-_]?body|body[-_]?text|main[-_]?text|"
    r"field[-_]?name[-_]?body|texte[-_]?article|article[-_]?texte|corps|contenu[-_]?article|td[-_]post[-_]content|"
    r"node[-_]?content|article__body|article__content|c-article-body|news[-_]?body|news[-_]?text|detail[-_]?text",
    re.IGNORECASE,
)
_TOKEN_SPLIT = re.compile(r"[-_]+")


@lru_cache(maxsize=16384)
def _token_kind(token: str) -> str:
    """What one class or id token says: 'content', 'comments', 'boilerplate' or ''. Tokens repeat across
    sites ("clearfix", "col-md-8", "article-body") far more than whole class attributes do."""
    low = token.lower()
    # the regexes only where their words can be (each content pattern holds one of these four)
    if "body" in low or "content" in low or "text" in low or "corps" in low:
        found = _CONTENT_WORDS.search(low)
        if found:
            # the words after it name a part of the text: "article-body-image-caption", "entry-content-share"
            rest = _TOKEN_SPLIT.split(low[found.end() :])
            return "boilerplate" if any(w in _BOILERPLATE_WORDS or w.startswith(_BOILERPLATE_PREFIX)
                                        for w in rest) else "content"  # fmt: skip
    if ("comment" in low or "reaction" in low or "respond" in low) and _COMMENT_TOKEN.search(low):
        return "comments"
    for word in _TOKEN_SPLIT.split(low):
        if word in _BOILERPLATE_WORDS or word.startswith(_BOILERPLATE_PREFIX):
            return "boilerplate"
    return ""


@lru_cache(maxsize=8192)
def attribute_kind(cls: str, ident: str) -> str:
    """'boilerplate', 'comments', 'content' or '' for a class and an id (cached: sites repeat them).

    A token naming article text wins; otherwise the first token naming comments or boilerplate. An id
    made of many words is a slug ("sharing-with-a-single-developer"), not a role: ignored."""
    if len(_TOKEN_SPLIT.split(ident)) > 3:
        ident = ""
    kinds = [_token_kind(token) for token in f"{cls} {ident}".split()]
    if "content" in kinds:
        return "content"
    return next((kind for kind in kinds if kind), "")


# Short paragraphs that are not article text: picture credits, "read also" lines.
BOILER_PARAGRAPH = re.compile(
    r"^\W{0,3}(?:(?:photos?|crédits?(?: photos?)?|credits?|photo credit|image|illustration|"
    r"الصورة|صورة|مصدر الصورة)\s*:|(?:read more|read also|see also|related|lire aussi|à lire aussi|"
    r"a lire aussi|voir aussi|lire également|اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|اقرأ المزيد|طالع أيضا|"
    r"شاهد أيضا|شاهد ايضا)\b)",
    re.IGNORECASE,
)
# Headings that open a box after the article: related stories, comments, most read.
BOX_HEADING = re.compile(
    r"^\W{0,3}(?:اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|أخبار ذات صلة|اخبار ذات صلة|مواضيع ذات صلة|"
    r"مقالات ذات صلة|المزيد من الأخبار|المزيد من الاخبار|الأكثر قراءة|الاكثر قراءة|الأكثر مشاهدة|"
    r"الأكثر تداولا|تعليقات القراء|التعليقات|تعليقات|أضف تعليق|اضف تعليق|شارك|شارك المقال|"
    r"à lire aussi|a lire aussi|lire aussi|sur le même sujet|sur le meme sujet|articles liés|articles similaires|"
    r"nos derniers articles|les plus lus|les plus partagés|les plus commentés|commentaires|réagissez|"
    r"laisser un commentaire|partager|related(?: articles| stories| posts)?|read also|read more|"
    r"more from this section|you may also like|most read|most popular|trending|comments|leave a reply|"
    r"leave a comment|share this|share)\b[^.!?؟]{0,30}$",
    re.IGNORECASE,
)
# The words before a date that is not the publication's: an update, a copyright.
UPDATED_CUE = re.compile(r"(?:آخر تحديث|اخر تحديث|تم التحديث|تحديث|mis à jour|mise à jour|updated|last modified)",
                         re.IGNORECASE)  # fmt: skip
COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|copyright|جميع الحقوق|حقوق النشر|tous droits|all rights)", re.IGNORECASE
)
# Words opening a dateline or a byline near the headline.
DATELINE_START = re.compile(
    r"^\W{0,3}(?:نشر|نُشر|تاريخ النشر|بتاريخ|بقلم|كتب|كتبت|إعداد|اعداد|المصدر|آخر تحديث|اخر تحديث|"
    r"publié|publie|mis en ligne|mis à jour|paru|par|propos recueillis|published|posted|updated|by|written by)"
    r"(?![\w\u0600-\u06ff])",
    re.IGNORECASE,
)
CLOCK = re.compile(r"(?<!\d)[0-2]?\d[:h][0-5]\d(?!\d)")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
SENTENCE_END = re.compile(r"[.!?؟…»\"”)。！？]\s*$|[.!?؟]\s|[。！？]")
