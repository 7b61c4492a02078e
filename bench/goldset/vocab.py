"""The words a news site puts around its articles, in Arabic, French and English (written for akhbar).

Site furniture only (menus, boxes, footers, reader comments): the articles are real, read from
../shared/corpus. Month and weekday names per family are the spellings the press uses.
"""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "maghreb": ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
    "egyptian_gulf": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
                      "ديسمبر"],
    # the same names as typed on many sites: hamza left out, ه for ة where it occurs
    "egyptian_plain": ["يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر", "نوفمبر",
                       "ديسمبر"],
    "levantine": ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
                  "تشرين الثاني", "كانون الأول"],
    "moroccan": ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"],
    "french": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"],
    "english": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"],
}  # fmt: skip
WEEKDAYS = {
    "ar": ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def month_name(family: str, month: int) -> str:
    if family == "levantine_doubled":
        return f"{MONTHS['levantine'][month - 1]}/{MONTHS['egyptian_gulf'][month - 1]}"
    return MONTHS[family][month - 1]


def written_day(day: dt.date, family: str, lang: str, weekday: bool = False) -> str:
    """'12 جويلية 2016', 'mardi 12 juillet 2016', 'July 12, 2016' ..."""
    month = month_name(family, day.month)
    if lang == "en":
        text = f"{month} {day.day}, {day.year}"
    else:
        first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
        text = f"{first} {month} {day.year}"
    if weekday:
        name = WEEKDAYS[lang][day.weekday()]
        text = f"{name}, {text}" if lang == "en" else f"{name} {text}"
    return text


class Words:
    """Site furniture in one language."""

    def __init__(self, lang: str):
        self.lang = lang
        table = _WORDS[lang]
        for key, value in table.items():
            setattr(self, key, value)


_WORDS = {
    "ar": {
        "home": "الرئيسية",
        "sections": [
            "أخبار وطنية",
            "عربي ودولي",
            "اقتصاد",
            "رياضة",
            "ثقافة وفنون",
            "تكنولوجيا",
            "مجتمع",
            "رأي",
            "فيديو",
            "صحة",
        ],
        "contact": ["من نحن", "اتصل بنا", "سياسة الخصوصية", "شروط الاستخدام", "أعلن معنا"],
        "related": ["اقرأ أيضا", "أخبار ذات صلة", "مواضيع ذات صلة", "المزيد من الأخبار"],
        "most_read": ["الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا"],
        "published": ["نشر في", "تاريخ النشر:", "نُشر بتاريخ", "نشر يوم"],
        "updated": ["آخر تحديث:", "تم التحديث في"],
        "by": ["بقلم", "كتب", "إعداد"],
        "rights": "جميع الحقوق محفوظة",
        "copy_rule": "يمنع نقل أو نسخ المواد المنشورة دون الإشارة إلى المصدر.",
        "disclaimers": [
            "المقالات المنشورة في قسم الرأي تعبر عن آراء كتابها ولا تعبر بالضرورة عن رأي الموقع وسياسته التحريرية.",
            "تابعوا آخر الأخبار العاجلة على مدار الساعة عبر تطبيقنا المجاني على الهواتف الذكية وصفحاتنا على شبكات التواصل.",
            "الموقع غير مسؤول عن التعليقات المنشورة وهي تعبر عن آراء أصحابها فقط، ويحتفظ بحق حذف أي تعليق مسيء.",
        ],
        "newsletter": "اشترك في النشرة البريدية ليصلك ملخص أهم الأخبار كل صباح في بريدك الإلكتروني.",
        "subscribe": "اشترك الآن",
        "share": ["شارك", "فيسبوك", "تويتر", "واتساب", "طباعة", "أرسل لصديق"],
        "tags": "الكلمات المفتاحية:",
        "tag_words": [
            "تونس",
            "الحكومة",
            "البرلمان",
            "الاقتصاد",
            "كرة القدم",
            "الانتخابات",
            "الصحة",
            "التعليم",
        ],
        "comments": "تعليقات القراء",
        "comment_texts": [
            "شكرا على هذا المقال القيم، نرجو المزيد من المتابعة لهذا الملف في الأيام القادمة.",
            "أين كانت الجهات المسؤولة قبل هذا؟ المواطن البسيط هو من يدفع الثمن في كل مرة.",
            "كلام جميل لكن العبرة بالتطبيق على أرض الواقع وليس بالتصريحات والوعود.",
            "أتمنى أن تنشروا رأي الطرف الآخر أيضا حتى تكتمل الصورة لدى القارئ.",
        ],
        "commenters": ["أبو محمد", "سامية", "مواطن غيور", "كريم من صفاقس", "نور"],
        "breaking": "عاجل",
        "advert": "إعلان",
        "read_also_inline": "اقرأ أيضا:",
        "caption": "صورة أرشيفية",
        "more": "المزيد",
        "source": "المصدر: وكالات",
    },
    "fr": {
        "home": "Accueil",
        "sections": [
            "Politique",
            "International",
            "Économie",
            "Société",
            "Culture",
            "Sport",
            "Sciences",
            "Idées",
            "Vidéos",
            "Régions",
        ],
        "contact": [
            "Qui sommes-nous",
            "Contact",
            "Mentions légales",
            "Politique de confidentialité",
            "Publicité",
        ],
        "related": ["À lire aussi", "Sur le même sujet", "Articles liés", "Nos derniers articles"],
        "most_read": ["Les plus lus", "Les plus partagés", "Les plus commentés"],
        "published": ["Publié le", "Mis en ligne le", "Paru le"],
        "updated": ["Mis à jour le", "Dernière mise à jour :"],
        "by": ["Par", "Propos recueillis par"],
        "rights": "Tous droits réservés",
        "copy_rule": "Toute reproduction, même partielle, est interdite sans autorisation de la rédaction.",
        "disclaimers": [
            "Les propos tenus dans les commentaires n’engagent que leurs auteurs et ne reflètent pas la position de la rédaction.",
            "Notre journal est indépendant : il ne vit que de ses lecteurs. Abonnez-vous pour soutenir une information libre.",
            "Retrouvez toute l’actualité en continu sur notre application gratuite, disponible sur tous les téléphones.",
        ],
        "newsletter": "Inscrivez-vous à notre lettre d’information pour recevoir chaque matin l’essentiel de l’actualité.",
        "subscribe": "Je m’inscris",
        "share": ["Partager", "Facebook", "Twitter", "WhatsApp", "Imprimer", "Envoyer par courriel"],
        "tags": "Mots-clés :",
        "tag_words": [
            "Gouvernement",
            "Retraites",
            "Université",
            "Santé",
            "Élections",
            "Europe",
            "Justice",
            "Climat",
        ],
        "comments": "Commentaires",
        "comment_texts": [
            "Merci pour cet article très complet, on attend la suite avec impatience.",
            "Encore une fois ce sont les mêmes qui paient, rien ne change vraiment dans ce pays.",
            "Article intéressant mais il manque le point de vue des principaux intéressés.",
            "Je ne partage pas du tout cette analyse, les chiffres disent autre chose.",
        ],
        "commenters": ["Jean-Marc", "Sophie L.", "citoyen75", "Karim", "Anne-Claire"],
        "breaking": "Direct",
        "advert": "Publicité",
        "read_also_inline": "Lire aussi :",
        "caption": "Photo d’illustration",
        "more": "Voir plus",
        "source": "Avec AFP",
    },
    "en": {
        "home": "Home",
        "sections": [
            "Egypt",
            "World",
            "Business",
            "Opinion",
            "Sports",
            "Arts & Culture",
            "Life & Style",
            "Multimedia",
            "Health",
            "Heritage",
        ],
        "contact": ["About us", "Contact us", "Privacy policy", "Terms of use", "Advertise"],
        "related": ["Read also", "Related", "More from this section", "You may also like"],
        "most_read": ["Most read", "Most popular", "Trending"],
        "published": ["Published", "Posted on", "Published on"],
        "updated": ["Updated", "Last updated:"],
        "by": ["By", "Written by"],
        "rights": "All rights reserved",
        "copy_rule": "No part of this website may be reproduced without written permission from the publisher.",
        "disclaimers": [
            "The views expressed in the comments are those of their authors and do not reflect the views of the newspaper.",
            "Get the latest headlines around the clock with our free app, available for every smartphone and tablet.",
            "Our journalism is independent and free to read: support it by subscribing to the print edition today.",
        ],
        "newsletter": "Sign up for our daily newsletter and get the top stories delivered to your inbox every morning.",
        "subscribe": "Subscribe",
        "share": ["Share", "Facebook", "Twitter", "WhatsApp", "Print", "Email"],
        "tags": "Tags:",
        "tag_words": [
            "Egypt",
            "Cairo",
            "Economy",
            "Parliament",
            "Football",
            "Elections",
            "Health",
            "Education",
        ],
        "comments": "Comments",
        "comment_texts": [
            "Thank you for this balanced report, please keep following the story.",
            "Who is going to pay for all of this in the end? Ordinary people, as usual.",
            "Good article, but the figures quoted here do not match what the ministry said last week.",
            "I hope the authorities read this and act before it is too late.",
        ],
        "commenters": ["Ahmed S.", "Mona", "observer", "Tarek from Alex", "J. Smith"],
        "breaking": "Breaking",
        "advert": "Advertisement",
        "read_also_inline": "Read also:",
        "caption": "File photo",
        "more": "More",
        "source": "Agencies",
    },
}
