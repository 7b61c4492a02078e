"""Deterministic generator of the sample corpus shipped under ``sample/``.

All article text is composed here from sentence pools written for this project:
fictional, neutral local news (municipal works, weather, sport, economy, culture,
transport). No real person is named or quoted.

Each article draws its sentences from a topic pool and a general pool, least-used
sentence first, with its own slot values (places, figures, dates), so that distinct
stories stay far apart for word 2-3-gram MinHash; the intended duplicates are made
explicitly (exact copy, small edits, cross-night update).

Usage: ``python -m akhbar.sample.generate --out sample/``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypedDict
from xml.sax.saxutils import escape

RUN_DATE = "2026-11-28"
NIGHTS = ("2026-11-26", "2026-11-27", "2026-11-28")
N26, N27, N28 = NIGHTS
SEED = 20261128

# --------------------------------------------------------------------------------------
# Regional vocabulary
# --------------------------------------------------------------------------------------

MONTHS = {
    # Tunisia / Algeria: French-derived names.
    "maghreb": [
        "جانفي",
        "فيفري",
        "مارس",
        "أفريل",
        "ماي",
        "جوان",
        "جويلية",
        "أوت",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    # Morocco.
    "morocco": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ],
    # Egypt and the Gulf.
    "egypt": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    # Levant and Iraq.
    "levant": [
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

CITIES = {
    "TN": ["تونس", "صفاقس", "سوسة", "نابل", "بنزرت", "قابس", "القيروان", "المنستير"],
    "DZ": ["الجزائر", "وهران", "قسنطينة", "عنابة", "تلمسان", "سطيف"],
    "MA": ["الرباط", "الدار البيضاء", "فاس", "طنجة", "مراكش", "أكادير"],
    "EG": ["القاهرة", "الإسكندرية", "أسوان", "المنصورة", "بورسعيد"],
    "LB": ["بيروت", "طرابلس", "صيدا", "زحلة"],
    "SY": ["دمشق", "حلب", "حمص", "اللاذقية"],
    "IQ": ["بغداد", "البصرة", "الموصل", "أربيل"],
    "SA": ["الرياض", "جدة", "الدمام"],
    "AE": ["دبي", "أبوظبي", "الشارقة"],
    "JO": ["عمّان", "إربد", "العقبة"],
}
CURRENCY = {
    "TN": "دينار",
    "DZ": "دينار",
    "MA": "درهم",
    "EG": "جنيه",
    "LB": "ليرة",
    "SY": "ليرة",
    "IQ": "دينار",
    "SA": "ريال",
    "AE": "درهم",
    "JO": "دينار",
}
FR_CITIES = ["Paris", "Lyon", "Marseille", "Tunis", "Alger", "Oran", "Casablanca", "Toulouse", "Sfax"]
EN_CITIES = ["London", "Manchester", "Beirut", "Dubai", "Cairo", "Amman", "Leeds", "Bristol"]

AR_TEAMS = [
    "نجم الساحل الأخضر",
    "النادي البلدي",
    "اتحاد الشباب",
    "الترجي الصغير",
    "أمل الضاحية",
    "هلال الجنوب",
    "شباب الميناء",
    "النجم الأزرق",
    "الأولمبي المحلي",
    "جمعية الواحة",
]
AR_FESTS = [
    "الزيتونة للفنون",
    "ليالي الواحة",
    "الموسيقى الساحلية",
    "الحكاية الشعبية",
    "سينما الجنوب",
    "الخط العربي",
    "المسرح المدرسي",
    "فنون الخزف",
]
FR_TEAMS = [
    "l'Union sportive du Port",
    "le Stade des Oliviers",
    "l'Olympique des Remparts",
    "l'Étoile du Littoral",
    "le Racing des Collines",
    "l'Avenir de la Vallée",
]
FR_FESTS = [
    "Jazz des Remparts",
    "Lumières d'hiver",
    "Contes de la Méditerranée",
    "Images du Sud",
    "Arts de la rue",
]
EN_TEAMS = [
    "Harbour Rovers",
    "Northside Athletic",
    "Riverside United",
    "Hilltop Town",
    "Old Mill FC",
    "Eastgate Wanderers",
]
EN_FESTS = ["Winter Lights", "Riverside Folk", "Old Town Film", "City Books", "Harbour Jazz"]
AR_WEEKDAYS = ["الأحد", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "السبت"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# --------------------------------------------------------------------------------------
# Sentence pools. {slot}s are filled per article.
# --------------------------------------------------------------------------------------

AR = {
    "works": [
        "انطلقت صباح اليوم أشغال تهيئة الطريق الرئيسية الرابطة بين وسط {city} والمنطقة الصناعية، على امتداد {n1} كيلومترات.",
        "وأوضح رئيس المصلحة الفنية بالبلدية أن الكلفة الجملية للمشروع تناهز {money} مليون {cur}، تم توفيرها من ميزانية التنمية الجهوية.",
        "ويشمل البرنامج تجديد شبكة الإنارة العمومية وتركيب {n2} عمود إنارة يعمل بالطاقة الشمسية في الأحياء الشعبية.",
        "وأكد المتحدث باسم البلدية أن حركة المرور ستحول مؤقتا نحو الشوارع المجاورة طيلة فترة الأشغال، داعيا السائقين إلى التحلي بالصبر.",
        "وكانت البلدية قد أعلنت في {date} عن طلب عروض لاختيار المقاولة المكلفة بالإنجاز، وشاركت فيه {n1} مؤسسات محلية.",
        "ويتوقع أن تنتهي المرحلة الأولى من المشروع قبل نهاية شهر {month}، على أن تنطلق المرحلة الثانية مع بداية السنة المقبلة.",
        "وعبر عدد من سكان الحي عن ارتياحهم لانطلاق الأشغال بعد سنوات من الانتظار، مشيرين إلى أن الحفر كانت تعيق تنقل التلاميذ نحو مدارسهم.",
        "كما تتضمن الأشغال توسيع قنوات تصريف مياه الأمطار التي فاضت خلال الشتاء الماضي وتسببت في غلق عدد من الأنهج.",
        "وتعمل فرق البلدية في نوبتين يوميا بمشاركة {n2} عاملا وعدد من آلات الحفر وشاحنات النقل.",
        "وفي سياق متصل، أعلنت البلدية عن تخصيص فضاء أخضر جديد بمساحة {n3} متر مربع قرب السوق المركزية.",
        "وأشار التقرير الفني إلى أن نسبة تقدم الأشغال بلغت {pct} بالمائة إلى حد الآن، وهي نسبة مطابقة للرزنامة المحددة مسبقا.",
        "ومن المنتظر أن يعقد المجلس البلدي جلسة استثنائية الأسبوع المقبل لمتابعة سير المشاريع المفتوحة في المدينة.",
        "ودعت الإدارة المواطنين إلى الإبلاغ عن أي تسرب للمياه أو عطب في الإنارة عبر الرقم الأخضر المخصص لذلك.",
        "أما في الحي القديم، فقد شرعت الفرق في ترميم الأرصفة الحجرية وإعادة طلاء الواجهات المطلة على الساحة.",
    ],
    "weather": [
        "توقعت مصالح الأرصاد الجوية أن تشهد {city} وضواحيها أمطارا متفرقة تكون أحيانا رعدية خلال الساعات القادمة.",
        "وستتراوح درجات الحرارة القصوى بين {t1} و{t2} درجة، فيما تنخفض الدنيا إلى {t0} درجات في المرتفعات الداخلية.",
        "وسجلت محطة القياس بالمطار كمية أمطار بلغت {mm} مليمترا خلال الليلة الماضية، وهي الأعلى منذ بداية الموسم.",
        "ودعت الحماية المدنية مستعملي الطريق إلى توخي الحذر وتخفيض السرعة، خاصة في المنعرجات والمناطق المنخفضة.",
        "وتهب رياح قوية نسبيا من الجهة الشمالية الغربية تصل سرعتها إلى {n2} كيلومترا في الساعة على السواحل.",
        "ويكون البحر مضطربا إلى شديد الاضطراب، مما دفع السلطات المينائية إلى تعليق خروج مراكب الصيد الصغيرة.",
        "وأفاد مهندس بمعهد الرصد الجوي أن هذه الموجة الباردة مرتبطة بمنخفض جوي قادم من جنوب أوروبا وستستمر إلى نهاية الأسبوع.",
        "وكانت المنطقة قد عرفت في {date} موجة حر استثنائية تجاوزت فيها الحرارة أربعين درجة، وفق السجلات الرسمية.",
        "ورحب الفلاحون بهذه الأمطار التي ستساعد على إنجاح موسم البذر وتحسين مخزون السدود الذي لم يتجاوز {pct} بالمائة.",
        "وتم تسجيل بعض الاضطرابات في حركة القطارات بسبب تجمع المياه على السكة قرب محطة {city2}.",
        "وتشير التوقعات إلى تحسن تدريجي للطقس ابتداء من يوم الأحد مع عودة الشمس وارتفاع طفيف في درجات الحرارة.",
        "وقد تدخلت فرق التطهير لإزالة الأتربة والأغصان المتساقطة من الطرقات، دون تسجيل أضرار بشرية.",
        "ونصحت المصالح الصحية كبار السن والأطفال بتجنب الخروج في الساعات الأولى من الصباح حين يشتد البرد.",
        "ولاحظ سكان المناطق الجبلية تساقط حبات البرد لدقائق معدودة، وهو مشهد نادر في هذا الوقت من السنة.",
    ],
    "sport": [
        "فاز فريق {team1} على ضيفه {team2} بنتيجة {s1} مقابل {s2} في المباراة التي جمعتهما مساء أمس على ملعب {city}.",
        "وافتتح المهاجم الشاب باب التسجيل في الدقيقة {min1} بتسديدة قوية من خارج منطقة الجزاء، قبل أن يضيف زميله هدفا من ركلة جزاء.",
        "وبهذا الانتصار يرتقي الفريق إلى المركز {rank} في ترتيب البطولة برصيد {pts} نقطة، في انتظار بقية مباريات الجولة.",
        "وحضر اللقاء نحو {n3} متفرج ملؤوا المدرجات رغم برودة الطقس، في أجواء احتفالية.",
        "وصرح المدرب عقب المباراة بأن فريقه قدم أداء متوازنا، مضيفا أن اللاعبين طبقوا التعليمات التكتيكية بانضباط كبير.",
        "في المقابل، اشتكى الفريق الضيف من قرارات التحكيم واعتبر أن هدفا صحيحا ألغي له بداعي التسلل.",
        "ويستعد الفريق لخوض مباراة حاسمة في كأس البلاد يوم {weekday} المقبل أمام منافس من الدرجة الثانية.",
        "وشهدت الجولة ذاتها تعادل فريقي {team3} و{team4} دون أهداف في مباراة باهتة المستوى.",
        "وفي كرة اليد، تأهل منتخب الأواسط إلى الدور نصف النهائي من البطولة الإقليمية بعد فوزه بفارق {n1} أهداف.",
        "وأعلنت إدارة النادي عن تعاقدها مع مدرب جديد للياقة البدنية لمدة موسمين، بعد سلسلة من الإصابات العضلية.",
        "وتبقى مشكلة أرضية الملعب مطروحة، إذ طالبت الجماهير مرارا بتعويض العشب الاصطناعي المهترئ.",
        "واحتل العداء المحلي المرتبة الثانية في سباق نصف الماراثون الذي نظم في شوارع المدينة بمشاركة {n2} عداء وعداءة.",
        "وتعود آخر هزيمة للفريق على أرضه إلى {date}، حين خسر بصعوبة أمام متصدر الترتيب.",
        "وخصصت الرابطة الجهوية جوائز تشجيعية لأفضل حارس مرمى ولأصغر هداف في البطولة هذا الموسم.",
    ],
    "economy": [
        "ارتفع حجم الصادرات الفلاحية للجهة بنسبة {pct} بالمائة خلال الأشهر العشرة الأولى من السنة، حسب بيانات رسمية نشرت اليوم.",
        "وبلغت قيمة المبادلات التجارية مع البلدان المجاورة نحو {money} مليون {cur}، مدفوعة بصادرات زيت الزيتون والتمور.",
        "وأشار التقرير إلى تراجع نسبة التضخم إلى {pct2} بالمائة في شهر أكتوبر، مقابل نسبة أعلى في الشهر الذي سبقه.",
        "وأكدت غرفة التجارة والصناعة أن {n1} مؤسسات صغيرة ومتوسطة جديدة انطلقت في النشاط بالمنطقة الصناعية منذ بداية العام.",
        "ويعزو خبراء الاقتصاد هذا التحسن إلى انتعاش الموسم السياحي وارتفاع تحويلات المغتربين.",
        "غير أن أسعار الخضر والغلال في الأسواق البلدية شهدت ارتفاعا ملحوظا، ما أثار تذمر عدد من المستهلكين.",
        "وسجل سعر الكيلوغرام الواحد من الطماطم {price} {cur} في سوق الجملة صباح اليوم.",
        "وأعلن البنك المركزي عن إبقاء نسبة الفائدة المديرية دون تغيير، في قرار كان متوقعا من قبل المحللين.",
        "وأوضحت الوزارة أن برنامج دعم الشباب المستثمرين مكن من خلق {n3} موطن شغل جديد في القطاعات التقنية.",
        "ومن المنتظر أن يعرض مشروع ميزانية السنة المقبلة على البرلمان في {date_future}، وسط نقاش حول الضرائب على الشركات.",
        "وفي قطاع الطاقة، دخلت محطة جديدة لتوليد الكهرباء من الرياح طور الاستغلال بقدرة {mw} ميغاواط.",
        "ويرى مسؤولو الميناء التجاري أن توسيع الرصيف الثالث سيرفع طاقة المناولة بنحو {pct2} بالمائة.",
        "وكانت الحكومة قد صادقت في {date} على حزمة إجراءات لتبسيط إجراءات التصدير ورقمنة المعاملات الجمركية.",
        "وتستعد المنطقة لاحتضان معرض دولي للصناعات الغذائية يشارك فيه {n2} عارضا من عدة بلدان.",
    ],
    "culture": [
        "افتتحت مساء أمس في {city} الدورة {edition} من مهرجان {fest}، بحضور جمهور غفير وعدد من الفنانين والمبدعين.",
        "ويتضمن برنامج هذه الدورة {n2} عرضا موسيقيا ومسرحيا إلى جانب معارض للفنون التشكيلية وورشات للأطفال.",
        "وأكدت الهيئة المديرة أن المهرجان يستقطب كل عام ما يزيد عن {n3} زائر من داخل البلاد وخارجها.",
        "وخصصت إدارة المهرجان فضاء للكتاب يشارك فيه {n1} ناشرا يعرضون أحدث إصداراتهم في الرواية والشعر والتاريخ.",
        "وقدمت فرقة محلية للموسيقى التقليدية عرضا لاقى استحسان الحاضرين، مزجت فيه بين الإيقاعات القديمة والآلات الحديثة.",
        "ويتواصل المهرجان إلى غاية {date_future}، على أن تختتم فعالياته بحفل كبير في المسرح البلدي.",
        "كما تم تكريم عدد من الحرفيين الذين حافظوا على صناعة الفخار والنسيج اليدوي في الجهة.",
        "وأشار المنظمون إلى أن الدورة السابقة التي أقيمت في {date} عرفت نجاحا كبيرا رغم محدودية الإمكانيات.",
        "وتشارك في المسابقة الرسمية للأفلام القصيرة {n1} أعمال من بلدان عربية وإفريقية مختلفة.",
        "ودعت وزارة الثقافة إلى دعم المهرجانات الجهوية باعتبارها رافدا للتنمية المحلية وللسياحة الداخلية.",
        "وأعيد فتح المتحف الأثري للمدينة بعد أشغال ترميم دامت عامين، ليعرض قطعا فسيفسائية نادرة.",
        "وتميزت السهرة الثانية بعرض مسرحي ساخر تناول قضايا الشباب والهجرة بأسلوب قريب من الجمهور.",
        "ونظمت المكتبة العمومية على هامش التظاهرة مسابقة في المطالعة شارك فيها تلاميذ المدارس الابتدائية.",
        "وعرضت في بهو دار الثقافة صور فوتوغرافية قديمة توثق الحياة اليومية في الأسواق والموانئ.",
    ],
    "transport": [
        "أعلنت الشركة الجهوية للنقل عن إضافة {n1} حافلات جديدة على الخطوط الرابطة بين {city} و{city2} ابتداء من الأسبوع المقبل.",
        "وقالت الشركة إن عدد المسافرين على هذه الخطوط ارتفع إلى نحو {n3} مسافر يوميا، ما استوجب تعزيز الأسطول.",
        "كما سيتم تعديل توقيت الرحلة الأولى لتنطلق على الساعة السادسة صباحا بدل السابعة، استجابة لطلبات العمال والطلبة.",
        "وفي قطاع السكك الحديدية، يتواصل تحديث الخط الرابط بين الضواحي ووسط المدينة، وسط توقعات بتقليص مدة الرحلة بـ{n1} دقيقة.",
        "وشهد المطار الدولي حركة نشيطة خلال عطلة نهاية الأسبوع، حيث استقبل ما يزيد عن {n3} مسافر.",
        "واشتكى مستعملو المترو من الاكتظاظ الكبير في ساعات الذروة، مطالبين بزيادة عدد العربات.",
        "وأوضح مدير النقل بالجهة أن صفقة اقتناء عربات جديدة ستبرم قبل {date_future}، دون تقديم تفاصيل عن قيمتها.",
        "ومن جهة أخرى، تم افتتاح محطة حافلات مهيأة بمواصفات حديثة تضم قاعة انتظار وشبابيك إلكترونية لبيع التذاكر.",
        "وتعتزم البلدية تخصيص مسالك للدراجات الهوائية على طول الكورنيش، في إطار خطة للحد من التلوث.",
        "وأكدت إدارة الميناء أن حركة العبارات ستعود إلى نسقها العادي بعد تحسن الأحوال الجوية.",
        "وتم تسجيل {n1} حوادث مرور خلال الأسبوع الماضي على الطريق السريعة، حسب حصيلة نشرتها المصالح المختصة.",
        "وطالب نواب الجهة بتسريع إنجاز الطريق الحزامية التي ينتظرها السكان منذ {date}.",
        "وستخضع سيارات الأجرة الجماعية لفحص تقني دوري جديد يشمل المكابح والإطارات وأحزمة الأمان.",
        "وأطلقت الشركة تطبيقا للهاتف يتيح للمسافرين متابعة مواعيد الحافلات لحظة بلحظة.",
    ],
    "general": [
        "وذكر مصدر مطلع أن السلطات الجهوية ستتابع تنفيذ هذه الإجراءات عن كثب.",
        "وقد نشرت الجهات المعنية بلاغا رسميا في الغرض على موقعها الإلكتروني.",
        "وللتذكير، فإن {city} تعد من أكبر المدن في البلاد من حيث الكثافة السكانية.",
        "ويأتي ذلك في إطار برنامج وطني أشمل يهدف إلى تحسين جودة الحياة في المدن.",
        "ولم يتسن الحصول على تعليق فوري من الأطراف الأخرى المعنية بالملف.",
        "ويأمل المواطنون أن تنعكس هذه الخطوة إيجابيا على حياتهم اليومية في أقرب الآجال.",
        "وتعود آخر مبادرة مماثلة إلى {date}، حين أطلقت السلطات برنامجا شبيها في مدينة {city2}.",
        "وقال أحد المواطنين لمراسلنا: «ننتظر أن نرى النتائج على أرض الواقع، فقد سمعنا وعودا كثيرة من قبل».",
        "وتشير الأرقام الرسمية إلى أن عدد سكان الولاية يتجاوز {pop} نسمة.",
        "وأكد مسؤول محلي أن الاعتمادات المرصودة كافية لإتمام المرحلة الحالية دون تأخير.",
        "ويبقى الملف مفتوحا على أكثر من احتمال في انتظار ما ستسفر عنه الاجتماعات القادمة.",
        "وتداول رواد مواقع التواصل الاجتماعي صورا للحدث مرفوقة بتعاليق متباينة.",
    ],
}

AR_TITLES = {
    "works": [
        "انطلاق أشغال تهيئة الطريق الرئيسية في {city}",
        "{city}: برنامج لتجديد الإنارة العمومية والأرصفة",
        "بلدية {city} تفتح ورشات جديدة قبل حلول الشتاء",
        "مشاريع بلدية في {city} بكلفة {money} مليون {cur}",
    ],
    "weather": [
        "أمطار رعدية وانخفاض في درجات الحرارة في {city}",
        "نشرة جوية: رياح قوية وبحر مضطرب قبالة {city}",
        "{city} تسجل {mm} مليمترا من الأمطار في ليلة واحدة",
        "موجة برد تشمل {city} والمرتفعات الداخلية",
    ],
    "sport": [
        "{team1} يتجاوز {team2} ويرتقي في الترتيب",
        "فوز ثمين لـ{team1} على ملعب {city}",
        "الجولة الرياضية: {team1} يواصل صحوته",
        "{team2} يشتكي التحكيم بعد الخسارة أمام {team1}",
    ],
    "economy": [
        "صادرات الجهة ترتفع بنسبة {pct} بالمائة",
        "{city}: مؤسسات جديدة تنطلق في المنطقة الصناعية",
        "التضخم يتراجع إلى {pct2} بالمائة والأسعار تواصل الضغط",
        "أرقام اقتصادية جديدة من {city}",
    ],
    "culture": [
        "افتتاح الدورة {edition} من مهرجان {fest} في {city}",
        "{city} تحتفي بالفنون في مهرجان {fest}",
        "مهرجان {fest}: عروض ومعارض وورشات للأطفال",
        "عودة مهرجان {fest} إلى {city}",
    ],
    "transport": [
        "حافلات جديدة على خط {city} - {city2}",
        "النقل في {city}: تعديل المواعيد وتعزيز الأسطول",
        "{city}: محطة حافلات حديثة وتطبيق لمتابعة الرحلات",
        "ضغط على وسائل النقل في {city}",
    ],
}

FR = {
    "works": [
        "Les travaux de réfection de l'avenue principale de {city} ont commencé lundi et doivent durer {n1} semaines.",
        "Selon les services techniques de la mairie, le chantier représente un budget de {money} millions d'euros.",
        "La circulation sera déviée par les rues voisines, et deux arrêts de bus sont provisoirement déplacés.",
        "Les riverains se disent soulagés après des années de nids-de-poule et de trottoirs impraticables.",
        "Le programme prévoit aussi le remplacement de {n2} lampadaires par des modèles à basse consommation.",
        "Un appel d'offres avait été lancé le {date}, et {n1} entreprises locales y avaient répondu.",
        "La mairie promet que les commerces resteront accessibles pendant toute la durée des travaux.",
        "Une seconde tranche, consacrée aux réseaux d'eaux pluviales, doit suivre au printemps.",
        "L'adjoint chargé de l'urbanisme a indiqué que l'avancement atteint déjà {pct} % du calendrier prévu.",
    ],
    "weather": [
        "Météo-Littoral annonce des averses orageuses sur {city} et sa région jusqu'à dimanche soir.",
        "Les températures maximales ne dépasseront pas {t1} degrés, avec des minimales proches de {t0} degrés.",
        "Il est tombé {mm} millimètres de pluie en une nuit à la station de l'aéroport, un record pour un mois de novembre.",
        "Des rafales de {n2} km/h sont attendues sur les côtes, où la mer sera forte à très forte.",
        "La préfecture appelle les automobilistes à la prudence et déconseille les déplacements non essentiels.",
        "Les agriculteurs accueillent ces pluies avec satisfaction après un été très sec, le dernier épisode notable datant du {date}.",
        "Un net redoux est prévu en début de semaine prochaine avec le retour du soleil.",
        "Plusieurs routes de montagne ont été fermées à cause de chutes de branches et de coulées de boue.",
        "Les écoles resteront ouvertes, mais les sorties scolaires en plein air sont reportées.",
    ],
    "sport": [
        "{team1} s'est imposé face à {team2} sur le score de {s1} à {s2}, samedi, devant son public de {city}.",
        "L'ouverture du score est intervenue à la {min1}e minute sur une frappe lointaine du jeune milieu de terrain.",
        "Grâce à ce succès, le club remonte à la {rank}e place du classement avec {pts} points.",
        "Environ {n3} spectateurs avaient pris place dans les tribunes malgré le froid.",
        "L'entraîneur a salué « un match sérieux et appliqué » tout en regrettant quelques occasions manquées.",
        "Les visiteurs ont contesté l'annulation d'un but pour hors-jeu en fin de rencontre.",
        "Le prochain rendez-vous est fixé mercredi, en Coupe, face à une équipe de division inférieure.",
        "Chez les féminines, l'équipe de handball a décroché sa qualification pour les demi-finales régionales.",
        "Le semi-marathon de la ville a réuni {n2} coureurs dimanche matin sous un ciel dégagé.",
    ],
    "economy": [
        "Les exportations agricoles de la région ont progressé de {pct} % sur les dix premiers mois de l'année.",
        "Les échanges avec les pays voisins atteignent {money} millions d'euros, portés par l'huile d'olive et les dattes.",
        "L'inflation a reculé à {pct2} % en octobre, selon l'institut de la statistique.",
        "La chambre de commerce recense {n1} nouvelles petites entreprises installées dans la zone industrielle.",
        "Les prix des fruits et légumes restent pourtant élevés sur les marchés municipaux, au grand dam des ménages.",
        "La banque centrale a laissé son taux directeur inchangé, une décision largement anticipée.",
        "Un programme d'aide aux jeunes entrepreneurs aurait permis de créer {n3} emplois depuis janvier.",
        "Le projet de budget doit être présenté au Parlement le {date_future}, avec un débat attendu sur la fiscalité.",
        "Au port, l'extension du troisième quai doit augmenter les capacités de manutention de {pct2} %.",
    ],
    "culture": [
        "La {edition}e édition du festival {fest} s'est ouverte vendredi soir à {city} devant un public nombreux.",
        "Au programme, {n2} concerts et spectacles, des expositions et des ateliers pour les enfants.",
        "Les organisateurs attendent plus de {n3} visiteurs, venus de toute la région et de l'étranger.",
        "Un espace dédié au livre accueille {n1} éditeurs qui présentent romans, poésie et ouvrages d'histoire.",
        "Le festival se poursuit jusqu'au {date_future} et se clôturera par un grand concert au théâtre municipal.",
        "Des artisans potiers et tisserands ont été mis à l'honneur lors de la soirée d'ouverture.",
        "L'édition précédente, organisée le {date}, avait déjà battu des records de fréquentation.",
        "Le musée archéologique de la ville rouvre ses portes après deux ans de restauration de ses mosaïques.",
        "Une pièce satirique sur la jeunesse et l'exil a été longuement applaudie lors de la deuxième soirée.",
    ],
    "general": [
        "La municipalité a publié un communiqué détaillant le calendrier des prochaines semaines.",
        "Contactée, la direction régionale n'a pas souhaité faire de commentaire à ce stade.",
        "« Nous attendons de voir des résultats concrets », confie un habitant du quartier.",
        "Une réunion publique d'information est prévue en mairie la semaine prochaine.",
        "Le sujet a suscité de nombreuses réactions sur les réseaux sociaux.",
        "La dernière initiative comparable remonte au {date}, à {city2}.",
        "Nous reviendrons sur ce dossier dans nos prochaines éditions.",
    ],
}
FR_TITLES = {
    "works": [
        "{city} : l'avenue principale en chantier pour {n1} semaines",
        "Travaux à {city} : la mairie détaille son programme",
    ],
    "weather": ["Orages et vent fort attendus sur {city}", "{city} : {mm} millimètres de pluie en une nuit"],
    "sport": [
        "{team1} domine {team2} et remonte au classement",
        "Football : victoire à domicile pour {team1}",
    ],
    "economy": [
        "Les exportations agricoles progressent de {pct} %",
        "L'inflation recule à {pct2} % en octobre",
    ],
    "culture": [
        "Le festival {fest} ouvre sa {edition}e édition à {city}",
        "{city} : coup d'envoi du festival {fest}",
    ],
}

EN = {
    "works": [
        "Resurfacing work on the main road through {city} began on Monday and is expected to last {n1} weeks.",
        "The council said the scheme would cost about {money} million pounds, paid from its capital budget.",
        "Traffic will be diverted through neighbouring streets and two bus stops have been moved temporarily.",
        "Residents said they were relieved after years of potholes and broken pavements.",
        "The programme also replaces {n2} street lights with low-energy lamps.",
        "A tender was issued on {date}, and {n1} local firms submitted bids.",
        "Shops along the route will remain open throughout the works, the council promised.",
        "A second phase, upgrading storm drains, is planned for the spring.",
        "Officials said the project was {pct} per cent complete and on schedule.",
    ],
    "weather": [
        "Forecasters expect heavy showers and thunderstorms over {city} until late on Sunday.",
        "Daytime highs will struggle to reach {t1} degrees, with overnight lows near {t0} degrees.",
        "The airport weather station recorded {mm} millimetres of rain overnight, a November record.",
        "Gusts of up to {n2} kilometres an hour are expected along the coast.",
        "Drivers have been urged to slow down and avoid unnecessary journeys.",
        "Farmers welcomed the rain after a dry summer; the last heavy downpour was on {date}.",
        "Milder and sunnier weather should return early next week.",
        "Several rural roads were closed after fallen branches and mudslides.",
        "Schools will stay open, although outdoor trips have been postponed.",
    ],
    "sport": [
        "{team1} beat {team2} {s1}-{s2} on Saturday in front of a home crowd in {city}.",
        "The opener came in the {min1}th minute from a long-range strike by the young midfielder.",
        "The win lifts the club to {rank}th place in the table with {pts} points.",
        "About {n3} supporters braved the cold to watch the match.",
        "The manager praised a disciplined performance but regretted several missed chances.",
        "The visitors complained about a late goal ruled out for offside.",
        "The team now turns to a cup tie on Wednesday against lower-league opposition.",
        "In handball, the women's side reached the regional semi-finals.",
        "The city half-marathon drew {n2} runners on Sunday morning under clear skies.",
    ],
    "economy": [
        "Farm exports from the region rose {pct} per cent in the first ten months of the year.",
        "Trade with neighbouring countries reached {money} million dollars, driven by olive oil and dates.",
        "Inflation eased to {pct2} per cent in October, according to the statistics office.",
        "The chamber of commerce counted {n1} new small businesses on the industrial estate.",
        "Fruit and vegetable prices at municipal markets remain high, to the frustration of shoppers.",
        "The central bank left its main interest rate unchanged, as analysts had expected.",
        "A support scheme for young entrepreneurs has created {n3} jobs since January, officials said.",
        "The draft budget is due before parliament on {date_future}, with a debate on company taxes expected.",
        "Port managers say a new quay will raise handling capacity by {pct2} per cent.",
    ],
    "culture": [
        "The {edition}th {fest} festival opened on Friday evening in {city} before a large audience.",
        "This year's programme includes {n2} concerts and plays, exhibitions and workshops for children.",
        "Organisers expect more than {n3} visitors from across the region and abroad.",
        "A book fair hosts {n1} publishers showing new novels, poetry and history titles.",
        "The festival runs until {date_future} and closes with a concert at the municipal theatre.",
        "Local potters and weavers were honoured at the opening night.",
        "Last year's edition, held on {date}, set attendance records.",
        "The city's archaeological museum has reopened after two years of restoring its mosaics.",
        "A satirical play about youth and emigration drew long applause on the second night.",
    ],
    "general": [
        "The council published a statement setting out the timetable for the coming weeks.",
        "The regional authority declined to comment when contacted.",
        '"We want to see real results," one resident said.',
        "A public information meeting is planned at the town hall next week.",
        "The news drew a wide range of reactions on social media.",
        "The last comparable initiative dates back to {date}, in {city2}.",
        "We will return to this story in future editions.",
    ],
}
EN_TITLES = {
    "works": [
        "{city} main road closed for {n1} weeks of resurfacing",
        "Council sets out {city} roadworks plan",
    ],
    "weather": ["Storms and strong winds forecast for {city}", "{city} records {mm}mm of rain in one night"],
    "sport": ["{team1} beat {team2} to climb the table", "Home win for {team1} in {city}"],
    "economy": ["Regional farm exports up {pct} per cent", "Inflation eases to {pct2} per cent in October"],
    "culture": ["{fest} festival opens in {city}", "{city} welcomes the {edition}th {fest} festival"],
}

POOLS = {"ar": AR, "fr": FR, "en": EN}
# A second topic whose sentences fit beside the first one (Arabic articles take two of them).
# The sample's topics in the enrichment taxonomy (akhbar.enrichment.categories.TAXONOMY).
TOPIC_CATEGORY = {
    "works": "national",
    "transport": "national",
    "weather": "environment",
    "sport": "sports",
    "economy": "economy",
    "culture": "culture",
}

SECOND = {
    "works": "transport",
    "transport": "works",
    "weather": "transport",
    "sport": "culture",
    "culture": "economy",
    "economy": "transport",
}
TITLES = {"ar": AR_TITLES, "fr": FR_TITLES, "en": EN_TITLES}

# --------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------


def _digits(text: str, indic: bool) -> str:
    return text.translate(INDIC) if indic else text


def date_text(day: dt.date, months: str, indic: bool = False) -> str:
    name = MONTHS[months][day.month - 1]
    if months == "en":
        return f"{day.day} {name} {day.year}"
    return _digits(f"{day.day} {name} {day.year}", indic)


@dataclass
class Article:
    key: str
    night: str
    lang: str
    topic: str
    title: str
    paragraphs: list[str]
    published: dt.datetime  # aware, source local time
    city: str
    mentions: list[str] = field(default_factory=list)  # ISO dates of the date mentions written in the text

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def n_words(self) -> int:
        return len(self.text.split())


class Regional(NamedTuple):
    """The names an article's slots draw from in its language and country."""

    others: list[str]  # the other cities, for the second place an article names
    teams: list[str]  # four
    festival: str
    currency: str


class MentionedDates(NamedTuple):
    """The two dates an article may mention: one in the past, one to come."""

    past: dt.date
    future: dt.date


def _regional(r: random.Random, lang: str, country: str, city: str) -> Regional:
    if lang == "ar":
        cities, teams, fests, currency = CITIES[country], AR_TEAMS, AR_FESTS, CURRENCY[country]
    elif lang == "fr":
        cities, teams, fests, currency = FR_CITIES, FR_TEAMS, FR_FESTS, "euros"
    else:
        cities, teams, fests, currency = EN_CITIES, EN_TEAMS, EN_FESTS, "pounds"
    return Regional([c for c in cities if c != city], r.sample(teams, 4), r.choice(fests), currency)


def _mentioned_dates(r: random.Random) -> MentionedDates:
    past = dt.date(2026, r.randint(1, 10), r.randint(1, 28))
    future = (
        dt.date(2026, 12, r.randint(5, 28))
        if r.random() < 0.5
        else dt.date(2027, r.randint(1, 3), r.randint(1, 28))
    )
    return MentionedDates(past, future)


def _figures(r: random.Random, t0: int) -> dict[str, str]:
    """The numeric slots (ASCII digits), drawn in this order: the sample depends on it."""
    return {
        "n1": str(r.randint(3, 9)),
        "n2": str(r.randint(12, 95)),
        "n3": str(r.randint(120, 9800)),
        "pct": str(r.randint(4, 38)),
        "pct2": f"{r.randint(2, 9)}.{r.randint(1, 9)}",
        "money": str(r.randint(2, 60)),
        "price": f"{r.randint(1, 4)}.{r.randint(10, 95)}",
        "mw": str(r.randint(3, 24) * 10),
        "pop": str(r.randint(3, 40) * 50000),
        "t0": str(t0),
        "t1": str(t0 + r.randint(6, 9)),
        "t2": str(t0 + r.randint(10, 13)),
        "mm": str(r.randint(18, 74)),
        "s1": str(r.randint(2, 4)),
        "s2": str(r.randint(0, 1)),
        "min1": str(r.randint(8, 85)),
        "rank": str(r.randint(2, 7)),
        "pts": str(r.randint(14, 31)),
        "edition": str(r.randint(5, 34)),
    }


def _date_slots(mentioned: MentionedDates, lang: str, months: str, indic: bool) -> dict[str, str]:
    months = "en" if lang == "en" else months  # English text names English months, in ASCII digits
    return {
        "date": date_text(mentioned.past, months, indic),
        "date_future": date_text(mentioned.future, months, indic),
    }


class Composer:
    """Builds distinct articles: least-used sentences first, fresh slot values for each."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.used: dict[tuple[str, str, int], int] = {}
        self.chosen: dict[str, list[set]] = {}

    def _pick(self, lang: str, wanted: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Choose sentences so that the new article shares as few as possible with any earlier one."""
        chosen: list[tuple[str, int]] = []
        earlier = self.chosen.setdefault(lang, [])
        for pool, k in wanted:
            for _ in range(k):
                candidates = [(pool, i) for i in range(len(POOLS[lang][pool])) if (pool, i) not in chosen]
                self.rng.shuffle(candidates)
                trial = set(chosen)

                def cost(c, trial=trial):
                    worst = max((len(prev & (trial | {c})) for prev in earlier), default=0)
                    return (worst, self.used.get((lang, *c), 0))

                best = min(candidates, key=cost)
                chosen.append(best)
                trial.add(best)
        for c in chosen:
            self.used[(lang, *c)] = self.used.get((lang, *c), 0) + 1
        earlier.append(set(chosen))
        return chosen

    def slots(self, lang: str, country: str, city: str, months: str, indic: bool) -> tuple[dict, list[str]]:
        """An article's slot values (in its script's digits) and the ISO dates of its two date slots."""
        r = self.rng
        regional = _regional(r, lang, country, city)
        mentioned = _mentioned_dates(r)
        t0 = r.randint(2, 9)
        values = {
            "city": city,
            "city2": r.choice(regional.others),
            "cur": regional.currency,
            "fest": regional.festival,
            "team1": regional.teams[0],
            "team2": regional.teams[1],
            "team3": regional.teams[2],
            "team4": regional.teams[3],
        }
        values.update({k: _digits(v, indic) for k, v in _figures(r, t0).items()})
        values["weekday"] = r.choice(AR_WEEKDAYS)
        # {month}: December, the month after the sample's nights.
        values["month"] = MONTHS[months][11] if lang != "en" else "December"
        values.update(_date_slots(mentioned, lang, months, indic))
        return values, [mentioned.past.isoformat(), mentioned.future.isoformat()]

    def article(
        self,
        key: str,
        night: str,
        lang: str,
        topic: str,
        *,
        country: str = "TN",
        city: str | None = None,
        months: str | None = None,
        indic: bool = False,
        hour: int = 9,
        minute: int = 0,
        tz: dt.tzinfo = dt.UTC,
        n_topic: int | None = None,
        n_general: int | None = None,
        extra: list[str] | None = None,
    ) -> Article:
        r = self.rng
        months = months or {"ar": "maghreb", "fr": "fr", "en": "en"}[lang]
        if city is None:
            city = r.choice(CITIES[country] if lang == "ar" else (FR_CITIES if lang == "fr" else EN_CITIES))
        values, iso = self.slots(lang, country, city, months, indic)
        n_topic = n_topic or (r.randint(5, 6) if lang == "ar" else r.randint(4, 5))
        n_general = n_general if n_general is not None else 2
        second = SECOND.get(topic)
        wanted = (
            [(topic, n_topic)] + ([(second, 2)] if lang == "ar" and second else []) + [("general", n_general)]
        )
        picked = self._pick(lang, wanted)
        topic_s = [POOLS[lang][p][i] for p, i in picked if p != "general"]
        general_s = [POOLS[lang][p][i] for p, i in picked if p == "general"]
        sentences = topic_s[:1] + (extra or []) + topic_s[1:]
        for g in general_s:
            sentences.insert(r.randint(2, len(sentences)), g)
        used = " ".join(sentences)
        mentions = []
        if "{date}" in used:
            mentions.append(iso[0])
        if "{date_future}" in used:
            mentions.append(iso[1])
        rendered = [s.format_map(values) for s in sentences]
        paragraphs, i = [], 0
        while i < len(rendered):
            size = r.randint(2, 3)
            paragraphs.append(" ".join(rendered[i : i + size]))
            i += size
        title = r.choice(TITLES[lang][topic]).format_map(values)
        day = dt.date.fromisoformat(night)
        published = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        return Article(key, night, lang, topic, title, paragraphs, published, city, mentions)


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------

from zoneinfo import ZoneInfo  # noqa: E402

TZ = {
    "tunis-akhbar": ZoneInfo("Africa/Tunis"),
    "courrier-maghreb": ZoneInfo("Europe/Paris"),
    "mashriq-wire": ZoneInfo("Africa/Cairo"),
    "levant-english": ZoneInfo("Asia/Beirut"),
    "web-archive": dt.UTC,
    "morocco-press": ZoneInfo("Africa/Casablanca"),
}


class Site(TypedDict):
    """How a sample site's pages look: its name, languages and the boilerplate around articles."""

    host: str
    name: str
    lang: str
    dir: str
    nav: list[str]
    share: str
    footer: str
    links: str
    popular: str
    cats: dict[str, str]  # topic -> the site's category name


class PageOptions(TypedDict, total=False):
    """What is special about one sample page (all optional)."""

    meta: bool  # False: no metadata, the date only in the visible text
    charset: str
    empty_body: bool
    visible_date: str
    no_pubdate: bool  # the feed item has no date
    missing: bool  # the feed links to a page that is not written


SITE: dict[str, Site] = {
    "tunis-akhbar": {
        "host": "https://tunis-akhbar.example",
        "name": "تونس أخبار",
        "lang": "ar",
        "dir": "rtl",
        "nav": ["الرئيسية", "وطنية", "جهات", "اقتصاد", "رياضة", "ثقافة", "طقس"],
        "share": "شارك المقال: فيسبوك | تويتر | واتساب | نسخ الرابط",
        "footer": "© 2024 تونس أخبار. جميع الحقوق محفوظة.",
        "links": "من نحن | اتصل بنا | سياسة الخصوصية | الإشهار",
        "popular": "الأكثر قراءة",
        "cats": {
            "works": "جهات",
            "weather": "طقس",
            "sport": "رياضة",
            "economy": "اقتصاد",
            "culture": "ثقافة",
            "transport": "وطنية",
        },
    },
    "courrier-maghreb": {
        "host": "https://courrier-maghreb.example",
        "name": "Le Courrier du Maghreb",
        "lang": "fr",
        "dir": "ltr",
        "nav": ["Accueil", "Régions", "Économie", "Sports", "Culture", "Météo"],
        "share": "Partager : Facebook | X | WhatsApp | Copier le lien",
        "footer": "© 2024 Le Courrier du Maghreb. Tous droits réservés.",
        "links": "Qui sommes-nous | Contact | Mentions légales",
        "popular": "Les plus lus",
        "cats": {
            "works": "Régions",
            "weather": "Météo",
            "sport": "Sports",
            "economy": "Économie",
            "culture": "Culture",
        },
    },
    "web-archive": {
        "host": "",
        "name": "",
        "lang": "en",
        "dir": "ltr",
        "nav": ["Home", "News", "Business", "Sport", "Culture"],
        "share": "Share this story: Facebook | X | Email",
        "footer": "© 2024 All rights reserved.",
        "links": "About | Contact | Privacy",
        "popular": "Most read",
        "cats": {},
    },
}
POPULAR = {
    "tunis-akhbar": ["جدول مباريات الأسبوع", "أسعار المحروقات", "مواعيد القطارات", "حالة الطرقات"],
    "courrier-maghreb": [
        "Programme télé de la semaine",
        "Prix des carburants",
        "Horaires des trains",
        "État des routes",
    ],
    "web-archive": ["Fixtures this week", "Fuel prices", "Train times", "Road conditions"],
}


def page_html(
    site_id: str,
    a: Article,
    url: str | None,
    *,
    meta: bool = True,
    charset: str = "utf-8",
    empty_body: bool = False,
    visible_date: str | None = None,
    lang: str | None = None,
    site: Site | None = None,
) -> bytes:
    s = site or SITE[site_id]
    lang = lang or a.lang
    direction = "rtl" if lang == "ar" else "ltr"
    head = [
        f'<meta charset="{charset}">',
        f"<title>{escape(a.title)} | {escape(s['name'])}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    if meta:
        head.append(f'<meta property="og:title" content="{escape(a.title)}">')
        head.append(f'<meta property="article:published_time" content="{a.published.isoformat()}">')
        if url:
            head.append(f'<link rel="canonical" href="{url}">')
    nav = "".join(f'<li><a href="/{i}">{escape(x)}</a></li>' for i, x in enumerate(s["nav"]))
    popular = "".join(
        f'<li><a href="/p/{i}">{escape(x)}</a></li>'
        for i, x in enumerate(POPULAR.get(site_id, POPULAR["web-archive"]))
    )
    if empty_body:
        body = '<div class="article-body"></div>'
        h1 = ""
    else:
        body = (
            '<div class="article-body">\n'
            + "\n".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
            + "\n</div>"
        )
        h1 = f"<h1>{escape(a.title)}</h1>\n"
    date_line = f'<div class="byline">{escape(visible_date)}</div>\n' if visible_date else ""
    html = (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n'
        + "\n".join(head)
        + "\n</head>\n<body>\n"
        f'<header><div class="logo">{escape(s["name"])}</div><nav><ul>{nav}</ul></nav></header>\n'
        f"<main>\n<article>\n{h1}{date_line}{body}\n"
        f'<div class="share">{escape(s["share"])}</div>\n</article>\n'
        f"<aside><h3>{escape(s['popular'])}</h3><ul>{popular}</ul></aside>\n</main>\n"
        f"<footer><p>{escape(s['footer'])}</p><p>{escape(s['links'])}</p></footer>\n</body>\n</html>\n"
    )
    return html.encode(charset)


def rfc822(d: dt.datetime) -> str:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    mons = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    off = d.utcoffset() or dt.timedelta(0)
    sign = "+" if off >= dt.timedelta(0) else "-"
    mins = abs(int(off.total_seconds())) // 60
    return f"{days[d.weekday()]}, {d.day:02d} {mons[d.month - 1]} {d.year} {d:%H:%M:%S} {sign}{mins // 60:02d}{mins % 60:02d}"


class Expect:
    """Collects the expected outcome of every record."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.skipped: list[dict] = []
        self.texts: dict[
            str, str
        ] = {}  # locator -> article text as written (for similarity checks, not shipped)

    def add(
        self,
        night,
        source,
        locator,
        outcome,
        *,
        id=None,
        url=None,
        title=None,
        lang=None,
        reason=None,
        stage=None,
        duplicate_of=None,
        duplicate_kind=None,
        checks=None,
        note=None,
        text=None,
    ):
        if text:
            self.texts[locator] = text
        rec = {
            "night": night,
            "source_id": source,
            "locator": locator,
            "id": id,
            "url": url,
            "title": title,
            "outcome": outcome,
        }
        if lang:
            rec["lang"] = lang
        if outcome == "quarantined":
            rec["reason"], rec["stage"] = reason, stage
        if outcome == "duplicate":
            rec["duplicate_of"], rec["duplicate_kind"] = duplicate_of, duplicate_kind
        if checks:
            rec["checks"] = checks
        if note:
            rec["note"] = note
        self.records.append({k: v for k, v in rec.items() if v is not None})


def near_copy(
    a: Article,
    key: str,
    *,
    lead: str,
    drop: int,
    swap: tuple[str, str],
    hour: int,
    tz,
    title: str,
    night: str | None = None,
) -> Article:
    """The same story republished with small edits: a new lead line, one sentence dropped, one figure changed."""
    paragraphs = [p for p in a.paragraphs]
    sentences = [s for p in paragraphs for s in _split_sentences(p)]
    del sentences[drop]
    sentences.insert(0, lead)
    text = " ".join(sentences).replace(swap[0], swap[1], 1)
    parts = _split_sentences(text)
    paragraphs = [" ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
    night = night or a.night
    day = dt.date.fromisoformat(night)
    published = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz)
    return Article(key, night, a.lang, a.topic, title, paragraphs, published, a.city, list(a.mentions))


def _split_sentences(p: str) -> list[str]:
    out, cur = [], ""
    for i, ch in enumerate(p):
        cur += ch
        if (
            ch in ".!?؟"
            and (i + 1 == len(p) or p[i + 1] == " ")
            and not (ch == "." and i > 0 and p[i - 1].isdigit())
        ):
            out.append(cur.strip())
            cur = ""
    if cur.strip():
        out.append(cur.strip())
    return out


def tatweel(text: str, words: dict[str, str]) -> str:
    for plain, stretched in words.items():
        text = text.replace(plain, stretched)
    return text


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (bytes it leaves undefined read as Latin-1): 'Ø§Ù„...'."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x00\xff\xff\xff"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


SPANISH = (
    "El ayuntamiento ha presentado esta mañana el plan de renovación del mercado central, que incluye nuevas "
    "cubiertas, puestos más amplios y un aparcamiento para bicicletas. Según los técnicos municipales, las obras "
    "comenzarán en enero y durarán unos ocho meses, durante los cuales los comerciantes se trasladarán a una carpa "
    "provisional en la plaza vecina. Los vecinos del barrio han recibido la noticia con satisfacción, aunque piden "
    "que se mantenga el horario de apertura de los sábados. El presupuesto total asciende a cuatro millones de "
    "euros y se financiará con fondos regionales. La próxima reunión informativa se celebrará el martes en la "
    "biblioteca del distrito."
)


class FeedItem(NamedTuple):
    """One article of a sample feed, the slug of its page and what is special about the page."""

    article: Article
    slug: str
    options: PageOptions


class SharedStory(NamedTuple):
    """The harbour-gazette row whose page the web archive captured too (an exact-URL duplicate)."""

    url: str
    article: Article
    locator: str


def build() -> tuple[dict[str, bytes], dict]:
    """All sample files (path relative to sample/ -> bytes) and the expected outcomes.

    The sources are built in this order because they draw from one random stream.
    """
    c = Composer()
    files: dict[str, bytes] = {}
    ex = Expect()
    _build_tunis_akhbar(c, files, ex)
    _build_courrier_maghreb(c, files, ex)
    _build_mashriq_wire(c, files, ex)
    shared = _build_harbour_gazette(c, files, ex)
    _build_warc(c, files, ex, shared)
    _build_trec(c, files, ex)
    return files, {"records": ex.records, "skipped": ex.skipped, "texts": ex.texts}


# ---- (1) tunis-akhbar: RSS 2.0, relative links to pages next to the feed -----------------------

# (night, topic, city) of the ordinary articles, in feed order.
TUNIS_PLAN = (
    (N28, "works", "صفاقس"),
    (N28, "weather", "سوسة"),
    (N28, "sport", "تونس"),
    (N28, "economy", "نابل"),
    (N28, "transport", "تونس"),
    (N28, "culture", "المنستير"),
    (N27, "weather", "بنزرت"),
    (N27, "sport", "سوسة"),
    (N27, "works", "قابس"),
    (N27, "economy", "صفاقس"),
    (N26, "culture", "تونس"),
    (N26, "transport", "صفاقس"),
    (N26, "sport", "القيروان"),
)
# Position in TUNIS_PLAN -> (a sentence added to the article, the ISO dates it mentions).
TUNIS_EXTRA = {
    0: (
        ["وستفتح التسجيلات لانتداب عمال الحضائر من 15 جانفي إلى 20 فيفري 2027 بمقر المعتمدية."],
        ["2027-01-15", "2027-02-20"],
    )
}


def _build_tunis_akhbar(c: Composer, files: dict[str, bytes], ex: Expect) -> None:
    sid = "tunis-akhbar"
    items = _tunis_planned(c) + _tunis_dated_in_text_and_cp1256(c) + _tunis_broken_pages()
    rss_items = [_tunis_item(sid, item, files, ex) for item in items]
    files[f"sites/{sid}/feed.xml"] = _rss_feed(sid, rss_items)


def _tunis_planned(c: Composer) -> list[FeedItem]:
    sid, tz = "tunis-akhbar", TZ["tunis-akhbar"]
    items = []
    for n, (night, topic, city) in enumerate(TUNIS_PLAN):
        extra, mentions = TUNIS_EXTRA.get(n, (None, []))
        a = c.article(
            f"{sid}-{night}-{n:02d}",
            night,
            "ar",
            topic,
            country="TN",
            city=city,
            hour=7 + n % 9,
            minute=5 * (n % 11),
            tz=tz,
            extra=extra,
        )
        a.mentions += mentions
        items.append(FeedItem(a, f"{night}-{n:02d}-{topic}", {}))
    return items


def _tunis_dated_in_text_and_cp1256(c: Composer) -> list[FeedItem]:
    sid, tz = "tunis-akhbar", TZ["tunis-akhbar"]
    # No metadata: the date is only in the visible text; a "© 2024" footer must not become the date.
    nometa = c.article(
        f"{sid}-{N28}-nometa",
        N28,
        "ar",
        "culture",
        country="TN",
        city="القيروان",
        hour=11,
        minute=40,
        tz=tz,
        extra=[
            "وكانت الجمعية قد أعلنت عن هذا البرنامج يوم 12 جويلية 2026 خلال ندوة صحفية، قبل أن تؤجله "
            "بسبب أشغال صيانة امتدت من جوان إلى أوت.",
            "ويذكر أن الدورة الأولى انتظمت في 4 أفريل 2019 بإمكانيات متواضعة، وأن الدورة القادمة "
            "ستقام في ماي 2027.",
        ],
    )
    nometa.mentions += ["2026-07-12", "2019-04-04"]
    cp1256 = c.article(
        f"{sid}-{N28}-cp1256", N28, "ar", "economy", country="TN", city="بنزرت", hour=13, minute=20, tz=tz
    )
    return [
        FeedItem(
            nometa,
            f"{N28}-nometa-culture",
            {"meta": False, "visible_date": "السبت 28 نوفمبر 2026 - 11:40", "no_pubdate": True},
        ),
        FeedItem(cp1256, f"{N28}-cp1256-economy", {"charset": "windows-1256"}),
    ]


def _tunis_broken_pages() -> list[FeedItem]:
    """A page with boilerplate only, and a feed item whose page does not exist."""
    sid, tz = "tunis-akhbar", TZ["tunis-akhbar"]
    empty = Article(
        f"{sid}-{N28}-empty",
        N28,
        "ar",
        "works",
        "تحديث: تفاصيل لاحقة",
        [],
        dt.datetime(2026, 11, 28, 14, 0, tzinfo=tz),
        "تونس",
    )
    missing = Article(
        f"{sid}-{N28}-missing",
        N28,
        "ar",
        "sport",
        "ملخص الجولة الرياضية",
        [],
        dt.datetime(2026, 11, 28, 15, 30, tzinfo=tz),
        "تونس",
    )
    return [
        FeedItem(empty, f"{N28}-empty-body", {"empty_body": True}),
        FeedItem(missing, f"{N28}-missing-page", {"missing": True}),
    ]


def _tunis_item(sid: str, item: FeedItem, files: dict[str, bytes], ex: Expect) -> str:
    """Writes the item's page (unless it is the missing one), expects its outcome; returns its RSS item."""
    a, slug, opt = item
    url = f"{SITE[sid]['host']}/{a.published:%Y/%m/%d}/{slug}"
    rel = f"articles/{slug}.html"
    loc = f"sites/{sid}/{rel}"
    if not opt.get("missing"):
        files[loc] = page_html(
            sid,
            a,
            url,
            meta=opt.get("meta", True),
            charset=opt.get("charset", "utf-8"),
            empty_body=opt.get("empty_body", False),
            visible_date=opt.get("visible_date"),
        )
    _expect_tunis(ex, sid, item, url, loc)
    return _rss_item(sid, a, rel, opt)


def _rss_item(sid: str, a: Article, rel: str, opt: PageOptions) -> str:
    summary = a.paragraphs[0][:140] if a.paragraphs else ""
    pub = "" if opt.get("no_pubdate") else f"      <pubDate>{rfc822(a.published)}</pubDate>\n"
    return (
        "    <item>\n"
        f"      <title>{escape(a.title)}</title>\n      <link>{rel}</link>\n"
        f'      <guid isPermaLink="false">{a.key}</guid>\n{pub}'
        f"      <category>{SITE[sid]['cats'][a.topic]}</category>\n"
        f"      <dc:creator>{'مراسلنا في ' + a.city}</dc:creator>\n"
        f"      <description>{escape(summary)}</description>\n    </item>\n"
    )


def _expect_tunis(ex: Expect, sid: str, item: FeedItem, url: str, loc: str) -> None:
    a, _, opt = item
    common = dict(id=a.key, url=url, title=a.title, lang="ar")
    if opt.get("missing"):
        ex.add(
            a.night,
            sid,
            loc,
            "quarantined",
            reason="not_found",
            stage="fetch",
            note="the feed links to a page that does not exist",
            **common,
        )
    elif opt.get("empty_body"):
        ex.add(
            a.night,
            sid,
            loc,
            "quarantined",
            reason="empty_text",
            stage="clean",
            note="page with navigation, share buttons and footer only: nothing left after cleaning",
            **common,
        )
    else:
        ex.add(a.night, sid, loc, "article", checks=_tunis_checks(a, url, opt), text=a.text, **common)


def _tunis_checks(a: Article, url: str, opt: PageOptions) -> dict[str, Any]:
    checks: dict[str, Any] = {
        "published_date": a.night,
        "published_local": a.published.isoformat(),
        "category": TOPIC_CATEGORY[a.topic],
        "canonical_url": url,
        "date_mentions_include": sorted(set(a.mentions)),
    }
    if not opt.get("meta", True):
        checks.pop("canonical_url")
        checks["date_source"] = ["text"]
        checks["published_year_not"] = 2024
    else:
        checks["date_source"] = ["metadata"]
    if opt.get("charset"):
        checks["text_contains"] = [a.city, a.paragraphs[0].split()[1]]
    return checks


def _rss_feed(sid: str, rss_items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n  <channel>\n'
        f"    <title>{SITE[sid]['name']}</title>\n    <link>{SITE[sid]['host']}/</link>\n"
        "    <description>أخبار تونس والجهات</description>\n    <language>ar-TN</language>\n"
        + "".join(rss_items)
        + "  </channel>\n</rss>\n"
    ).encode("utf-8")


# ---- (2) courrier-maghreb: Atom, French -----------------------------------------------------

# (night, topic, city), in feed order.
COURRIER_PLAN = (
    (N28, "works", "Tunis"),
    (N28, "sport", "Oran"),
    (N28, "economy", "Sfax"),
    (N28, "culture", "Alger"),
    (N28, "weather", "Lyon"),
    (N27, "weather", "Marseille"),
    (N27, "sport", "Casablanca"),
    (N26, "economy", "Paris"),
    (N26, "culture", "Toulouse"),
)
COURRIER_UPDATED = 5  # the 2026-11-27 weather story, updated the next morning


def _build_courrier_maghreb(c: Composer, files: dict[str, bytes], ex: Expect) -> None:
    sid = "courrier-maghreb"
    items = _courrier_planned(c)
    original = items[COURRIER_UPDATED]
    update = FeedItem(_courrier_update(original.article), f"{N28}-update-weather", {})
    entries = []
    for item in [*items, update]:
        entries.append(_courrier_entry(sid, item, files))
        update_of = _courrier_locator(sid, original) if item is update else None
        _expect_courrier(ex, sid, item, update_of)
    files[f"sites/{sid}/atom.xml"] = _atom_feed(sid, entries)


def _courrier_planned(c: Composer) -> list[FeedItem]:
    sid, tz = "courrier-maghreb", TZ["courrier-maghreb"]
    items = []
    for n, (night, topic, city) in enumerate(COURRIER_PLAN):
        extra = (
            [
                "Le conseil municipal avait validé le projet lors de sa séance du 27 novembre 2026, à l'unanimité."
            ]
            if n == 0
            else None
        )
        a = c.article(
            f"{sid}-{night}-{n:02d}", night, "fr", topic, city=city, hour=8 + n, minute=15, tz=tz, extra=extra
        )
        if n == 0:
            a.mentions.append("2026-11-27")
        items.append(FeedItem(a, f"{night}-{n:02d}-{topic}", {}))
    return items


def _courrier_update(original: Article) -> Article:
    return near_copy(
        original,
        f"courrier-maghreb-{N28}-update",
        night=N28,
        hour=10,
        tz=TZ["courrier-maghreb"],
        drop=2,
        lead="Mise à jour samedi matin : la vigilance orange est maintenue sur le littoral.",
        swap=("degrés", "degrés environ"),
        title=original.title + " (mise à jour)",
    )


def _courrier_url(sid: str, item: FeedItem) -> str:
    return f"{SITE[sid]['host']}/{item.article.published:%Y/%m/%d}/{item.slug}"


def _courrier_locator(sid: str, item: FeedItem) -> str:
    return f"sites/{sid}/articles/{item.slug}.html"


def _courrier_entry(sid: str, item: FeedItem, files: dict[str, bytes]) -> str:
    """Writes the item's page; returns its Atom entry."""
    a, slug, _ = item
    rel = f"articles/{slug}.html"
    published = a.published
    visible = (
        f"Publié le {published.day} {MONTHS['fr'][published.month - 1]} {published.year} à {published:%H:%M}"
    )
    files[f"sites/{sid}/{rel}"] = page_html(sid, a, _courrier_url(sid, item), visible_date=visible)
    return (
        "  <entry>\n"
        f'    <title>{escape(a.title)}</title>\n    <link rel="alternate" type="text/html" href="{rel}"/>\n'
        f"    <id>tag:courrier-maghreb.example,2026:{slug}</id>\n"
        f"    <published>{published.isoformat()}</published>\n    <updated>{published.isoformat()}</updated>\n"
        f"    <author><name>Rédaction {a.city}</name></author>\n"
        f'    <category term="{SITE[sid]["cats"][a.topic]}"/>\n'
        f"    <summary>{escape(a.paragraphs[0][:160])}</summary>\n  </entry>\n"
    )


def _expect_courrier(ex: Expect, sid: str, item: FeedItem, update_of: str | None) -> None:
    """An article, or (``update_of`` the original's locator) the next morning's update of one."""
    a = item.article
    url = _courrier_url(sid, item)
    common = dict(id=f"tag:courrier-maghreb.example,2026:{item.slug}", url=url, title=a.title, lang="fr")
    checks = {
        "published_date": a.night,
        "published_local": a.published.isoformat(),
        "category": TOPIC_CATEGORY[a.topic],
        "canonical_url": url,
        "date_source": ["metadata"],
        "date_mentions_include": sorted(set(a.mentions)),
    }
    loc = _courrier_locator(sid, item)
    if update_of is None:
        ex.add(a.night, sid, loc, "article", checks=checks, text=a.text, **common)
        return
    ex.add(
        a.night,
        sid,
        loc,
        "duplicate",
        duplicate_of=update_of,
        duplicate_kind="near",
        text=a.text,
        checks=checks,
        note="update of the 2026-11-27 story: near duplicate only when the 2026-11-27 night "
        "was processed before (persistent index); in a fresh run of 2026-11-28 alone it is an article",
        **common,
    )


def _atom_feed(sid: str, entries: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n'
        f"  <title>{SITE[sid]['name']}</title>\n  <id>tag:courrier-maghreb.example,2026:feed</id>\n"
        f'  <link rel="self" href="atom.xml"/>\n  <updated>2026-11-28T18:00:00+01:00</updated>\n'
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")


# ---- (3) mashriq-wire: JSON lines, one file per night ----------------------------------------


class DumpRow(NamedTuple):
    """A row written to a dump and its locator (FILE:N)."""

    record: dict[str, Any]
    locator: str


class MashriqWire:
    """The mashriq-wire dump being written: its JSON lines per night and each row's expected outcome."""

    sid = "mashriq-wire"

    def __init__(self, c: Composer, ex: Expect) -> None:
        self.c, self.ex, self.tz = c, ex, TZ[self.sid]
        self.rows: dict[str, list[str]] = {N26: [], N27: [], N28: []}

    def article(
        self, key, night, topic, country, city, months, *, lang="ar", indic=False, hour=9, extra=None
    ) -> Article:
        return self.c.article(
            key,
            night,
            lang,
            topic,
            country=country,
            city=city,
            months=months if lang == "ar" else None,
            indic=indic,
            hour=hour,
            tz=self.tz,
            extra=extra,
        )

    def row(
        self, a: Article, outlet: str, *, pub: str | None = None, content: str | None = None, lang: str = "ar"
    ) -> DumpRow:
        night_rows = self.rows[a.night]
        doc_id = f"mw-{a.night.replace('-', '')}-{len(night_rows) + 1:03d}"
        rec = {
            "doc_id": doc_id,
            "link": f"https://{outlet}.example/news/{doc_id}",
            "headline": a.title,
            "content": a.text if content is None else content,
            "pub_date": pub or a.published.isoformat(),
            "writer": None,
            "section": a.topic,
            "language": lang,
            "outlet": outlet,
        }
        night_rows.append(json.dumps(rec, ensure_ascii=False))
        return DumpRow(rec, f"dumps/{self.sid}/{a.night}.jsonl:{len(night_rows)}")

    def malformed(self, night: str, line: str) -> str:
        """A line that is not JSON; returns its locator."""
        self.rows[night].append(line)
        return f"dumps/{self.sid}/{night}.jsonl:{len(self.rows[night])}"

    def ok(self, row: DumpRow, a: Article, checks: dict[str, Any] | None = None, lang: str = "ar") -> None:
        base = {"published_date": a.night, "date_mentions_include": sorted(set(a.mentions))}
        base.update(checks or {})
        self.ex.add(
            a.night, self.sid, row.locator, "article", checks=base, text=a.text, **self._ids(row, lang)
        )

    def duplicate(self, row: DumpRow, a: Article, of: DumpRow, kind: str, note: str) -> None:
        self.ex.add(
            a.night,
            self.sid,
            row.locator,
            "duplicate",
            duplicate_of=of.locator,
            duplicate_kind=kind,
            text=a.text,
            note=note,
            **self._ids(row, "ar"),
        )

    def quarantined(self, row: DumpRow, a: Article, *, reason: str, stage: str) -> None:
        self.ex.add(
            a.night, self.sid, row.locator, "quarantined", reason=reason, stage=stage, **self._ids(row, None)
        )

    @staticmethod
    def _ids(row: DumpRow, lang: str | None) -> dict[str, Any]:
        rec = row.record
        return dict(id=rec["doc_id"], url=rec["link"], title=rec["headline"], lang=lang)

    def files(self) -> dict[str, bytes]:
        return {
            f"dumps/{self.sid}/{night}.jsonl": ("\n".join(lines) + "\n").encode("utf-8")
            for night, lines in self.rows.items()
        }


def _build_mashriq_wire(c: Composer, files: dict[str, bytes], ex: Expect) -> None:
    wire = MashriqWire(c, ex)
    _mashriq_regional_months(wire)
    _mashriq_script_marks(wire)
    _mashriq_numbers(wire)
    _mashriq_duplicates(wire)
    _mashriq_bad_rows(wire)
    _mashriq_english_and_earlier_nights(wire)
    files.update(wire.files())


def _mashriq_regional_months(wire: MashriqWire) -> None:
    # m1: Egyptian months, Arabic-Indic digits, the date field written in Arabic.
    a = wire.article("m1", N28, "economy", "EG", "القاهرة", "egypt", indic=True, hour=10)
    wire.ok(wire.row(a, "nile-daily", pub="٢٨ نوفمبر ٢٠٢٦"), a, {"date_source": ["dump"]})
    # m2: Levantine months.
    a = wire.article(
        "m2",
        N28,
        "culture",
        "LB",
        "بيروت",
        "levant",
        hour=11,
        extra=["وكانت بلدية المدينة قد خصصت في ٣ أيار ٢٠٢٦ منحة لترميم مسرح الحي القديم."],
    )
    a.mentions.append("2026-05-03")
    wire.ok(wire.row(a, "cedar-post"), a)


def _mashriq_script_marks(wire: MashriqWire) -> None:
    # m3: Iraqi works with tatweel.
    a = wire.article(
        "m3",
        N28,
        "works",
        "IQ",
        "بغداد",
        "levant",
        hour=8,
        extra=["وتعد هذه الورشة من أكبر مشاريع البنية التحتية في العراق هذا العام."],
    )
    text = tatweel(a.text, {"العراق": "الـــعـراق", "بغداد": "بـغـــداد", "الأشغال": "الأشـــغـال"})
    row = wire.row(a, "tigris-news", content=text)
    wire.ok(row, a, {"text_search_contains": ["العراق", "بغداد"], "text_not_contains": ["ـــ"]})
    # m4: Syrian sport with full diacritics in two sentences.
    a = wire.article(
        "m4",
        N28,
        "sport",
        "SY",
        "دمشق",
        "levant",
        hour=12,
        extra=[
            "وَقَالَ رَئِيسُ النَّادِي إِنَّ الفَرِيقَ سَيُوَاصِلُ تَحْضِيرَاتِهِ فِي دِمَشْقَ اسْتِعْدَادًا لِلْجَوْلَةِ المُقْبِلَةِ.",
            "وَأَضَافَ أَنَّ الجُمْهُورَ كَانَ «اللَّاعِبَ الثَّانِي عَشَرَ» طِيلَةَ المُبَارَاةِ.",
        ],
    )
    wire.ok(wire.row(a, "qasioun-sport"), a, {"text_search_contains": ["دمشق", "اللاعب الثاني عشر"]})


def _mashriq_numbers(wire: MashriqWire) -> None:
    # m5: Gulf transport with a Hijri date (26 Jumada al-Ula 1448 = 2026-11-06, Umm al-Qura).
    a = wire.article(
        "m5",
        N28,
        "transport",
        "SA",
        "الرياض",
        "egypt",
        indic=True,
        hour=13,
        extra=["وكانت الهيئة قد وقعت عقد تشغيل الخط في ٢٦ جمادى الأولى ١٤٤٨ هـ بحضور ممثلين عن شركات النقل."],
    )
    wire.ok(wire.row(a, "gulf-courier"), a, {"hijri_mentions_include": ["2026-11-06"]})
    # m6: a count that is not a date.
    a = wire.article(
        "m6",
        N28,
        "works",
        "JO",
        "عمّان",
        "levant",
        hour=9,
        extra=[
            "وشارك 3000 جندي ومتطوع في حملة تشجير المنحدرات المحيطة بالمدينة، وزرعوا 12500 شجرة خلال يومين."
        ],
    )
    wire.ok(wire.row(a, "amman-today"), a, {"date_mentions_exclude_years": [3000, 12500]})


def _mashriq_duplicates(wire: MashriqWire) -> None:
    # m7 + m8: a story and its republication by another outlet with small edits (near duplicate).
    m7 = wire.article("m7", N28, "weather", "EG", "الإسكندرية", "egypt", hour=8)
    row7 = wire.row(m7, "nile-daily")
    wire.ok(row7, m7)
    m8 = near_copy(
        m7,
        "m8",
        hour=15,
        tz=wire.tz,
        drop=3,
        lead="نقلا عن مراسلنا في الإسكندرية:",
        swap=("درجة", "درجة مئوية"),
        title=m7.title + " (تحديث)",
    )
    note = "same story republished with small edits by another outlet"
    wire.duplicate(wire.row(m8, "gulf-courier"), m8, row7, "near", note)
    # m9 + m10: exact duplicate (same text, another id and url).
    m9 = wire.article("m9", N28, "economy", "LB", "بيروت", "levant", hour=7)
    row9 = wire.row(m9, "cedar-post")
    wire.ok(row9, m9)
    m10 = Article("m10", N28, "ar", m9.topic, m9.title, m9.paragraphs, m9.published.replace(hour=11), m9.city)
    note = "identical text under another id and url"
    wire.duplicate(wire.row(m10, "levant-digest"), m10, row9, "exact_text", note)


def _mashriq_bad_rows(wire: MashriqWire) -> None:
    # m11: empty text.
    m11 = Article(
        "m11",
        N28,
        "ar",
        "works",
        "بيان صحفي",
        [],
        dt.datetime(2026, 11, 28, 16, 0, tzinfo=wire.tz),
        "القاهرة",
    )
    wire.quarantined(wire.row(m11, "nile-daily", content=""), m11, reason="missing_text", stage="extract")
    # m12: UTF-8 Arabic read as Windows-1252 (mojibake), which cleaning must repair.
    m12 = wire.article("m12", N28, "culture", "AE", "دبي", "egypt", hour=17)
    row = wire.row(m12, "gulf-courier", content=mojibake(m12.text))
    repaired = {"text_contains": ["دبي", m12.paragraphs[0].split()[0]], "text_not_contains": ["Ø", "Ù"]}
    wire.ok(row, m12, repaired)
    # m13: a malformed JSON line (cut short).
    loc = wire.malformed(
        N28,
        '{"doc_id": "mw-20261128-013", "link": "https://nile-daily.example/news/mw-20261128-013", '
        '"headline": "خبر مقطوع", "content": "انقطع الإرسال قبل نهاية',
    )
    wire.ex.add(
        N28,
        wire.sid,
        loc,
        "quarantined",
        id="mw-20261128-013",
        reason="malformed_json",
        stage="fetch",
        note="truncated JSON line; its night is the file's date",
    )


# Earlier nights: (topic, country, city, months); no months means an English row.
MASHRIQ_EARLIER = (
    (
        N27,
        (
            ("transport", "JO", "عمّان", "levant"),
            ("culture", "IQ", "البصرة", "levant"),
            ("sport", "LB", "Beirut", None),
        ),
    ),
    (
        N26,
        (
            ("sport", "EG", "الإسكندرية", "egypt"),
            ("economy", "SY", "حلب", "levant"),
            ("weather", "JO", "Amman", None),
        ),
    ),
)


def _mashriq_english_and_earlier_nights(wire: MashriqWire) -> None:
    # m14, m15: English rows.
    for key, topic, city, hour in (("m14", "economy", "Dubai", 14), ("m15", "culture", "Cairo", 18)):
        a = wire.article(key, N28, topic, "AE", city, None, lang="en", hour=hour)
        wire.ok(wire.row(a, "gulf-courier" if city == "Dubai" else "nile-daily", lang="en"), a, lang="en")
    for night, spec in MASHRIQ_EARLIER:
        for i, (topic, country, city, months) in enumerate(spec):
            lang = "ar" if months else "en"
            a = wire.article(f"{night}-{i}", night, topic, country, city, months, lang=lang, hour=9 + 3 * i)
            outlet = "cedar-post" if country in ("LB", "SY") else "amman-today"
            wire.ok(wire.row(a, outlet, lang=lang), a, lang=lang)


# ---- (5) harbour-gazette: CSV of English articles ------------------------------------------

# (night, topic, city), in file order.
HARBOUR_PLAN = (
    (N28, "sport", "Manchester"),
    (N28, "weather", "Bristol"),
    (N28, "works", "London"),
    (N28, "culture", "Leeds"),
    (N27, "economy", "London"),
    (N26, "works", "Leeds"),
    (N26, "culture", "Bristol"),
)
HARBOUR_HEADER = ["id", "url", "headline", "body", "date", "byline", "section"]


def _build_harbour_gazette(c: Composer, files: dict[str, bytes], ex: Expect) -> SharedStory:
    """Writes the CSV dumps; returns the row the web archive captured as a page too."""
    sid = "harbour-gazette"
    rows: dict[str, list[list[str]]] = {N26: [], N27: [], N28: []}
    shared = None
    for n, (night, topic, city) in enumerate(HARBOUR_PLAN):
        a = c.article(
            f"hg-{n}", night, "en", topic, city=city, hour=8 + n, minute=10, tz=ZoneInfo("Europe/London")
        )
        row = _harbour_row(a, city, len(rows[night]) + 1)
        rows[night].append(row)
        story = SharedStory(row[1], a, f"dumps/{sid}/{night}.csv:{len(rows[night])}")
        _expect_dump_article(
            ex, sid, story.locator, a, row[0], lang="en", url=story.url, category=TOPIC_CATEGORY[topic]
        )
        if night == N28 and topic == "works":
            shared = story
    for night, lines in rows.items():
        files[f"dumps/{sid}/{night}.csv"] = _csv_bytes(HARBOUR_HEADER, lines)
    assert shared is not None  # HARBOUR_PLAN has the works story of the run date
    return shared


def _harbour_row(a: Article, city: str, number: int) -> list[str]:
    night = a.night
    return [
        f"HG-{night.replace('-', '')}-{number:02d}",
        f"https://harbour-gazette.example/{night.replace('-', '/')}/{a.topic}-{city.lower()}",
        a.title,
        a.text,
        a.published.strftime("%d/%m/%Y %H:%M"),
        f"{city} desk",
        a.topic.capitalize(),
    ]


def _expect_dump_article(
    ex: Expect,
    sid: str,
    loc: str,
    a: Article,
    row_id: str,
    *,
    lang: str,
    url: str | None = None,
    category: str | None = None,
) -> None:
    """An article of a dump (CSV, TREC), whose date the dump gives."""
    checks: dict[str, Any] = {
        "published_date": a.night,
        "published_local": a.published.isoformat(),
        "date_source": ["dump"],
    }
    if category is not None:
        checks["category"] = category
    checks["date_mentions_include"] = sorted(set(a.mentions))
    ex.add(
        a.night, sid, loc, "article", id=row_id, url=url, title=a.title, lang=lang, text=a.text, checks=checks
    )


def _csv_bytes(header: list[str], lines: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(lines)
    return buf.getvalue().encode("utf-8")


# ---- (4) web-archive: WARC files of captured pages ----------------------------------------


class Capture(NamedTuple):
    """A page the web archive captured, its expected outcome, and the site it looks like."""

    url: str
    article: Article
    site: Site
    outcome: str  # "article", "duplicate" (of the harbour-gazette row) or "quarantined"


class WarcRecord(NamedTuple):
    """A record written to a night's WARC file; no article for records that are not raw records."""

    record_id: str
    url: str
    article: Article | None
    outcome: str  # a Capture's, or "skipped" (non-HTML response), "skipped-request"


class ImageCapture(NamedTuple):
    """A non-HTML response the web archive captured: not a raw record."""

    url: str


def _build_warc(c: Composer, files: dict[str, bytes], ex: Expect, shared: SharedStory) -> None:
    sid = "web-archive"
    for night, captures in _warc_plan(c, shared).items():
        name = f"warc/{sid}/{night}.warc.gz"
        archive = NightArchive(night)
        for i, capture in enumerate(captures):
            at = archive.base + dt.timedelta(minutes=5 * (i + 1))
            if isinstance(capture, ImageCapture):
                archive.image(capture.url, at)
            else:
                archive.page(capture, at, with_request=i == 0)
        data = archive.data()
        files[name] = data
        offsets = _record_offsets(data)
        for record in archive.records:
            _expect_warc(ex, sid, night, f"{name}#{offsets[record.record_id]}", record, shared)


def _warc_plan(c: Composer, shared: SharedStory) -> dict[str, list[Capture | ImageCapture]]:
    """Each night's captures, in file order."""
    tz = dt.UTC
    ar_site: Site = {
        **SITE["tunis-akhbar"],
        "name": "وهران نيوز",
        "footer": "© 2024 وهران نيوز. جميع الحقوق محفوظة.",
    }
    en_site: Site = {**SITE["web-archive"], "name": "City Ledger"}
    w1 = c.article("w1", N28, "en", "economy", city="London", hour=9, tz=tz)
    w2 = c.article(
        "w2", N28, "ar", "transport", country="DZ", city="وهران", hour=10, tz=ZoneInfo("Africa/Algiers")
    )
    w5 = c.article(
        "w5", N27, "ar", "culture", country="DZ", city="قسنطينة", hour=16, tz=ZoneInfo("Africa/Algiers")
    )
    w6 = c.article("w6", N26, "en", "weather", city="Bristol", hour=7, tz=tz)
    return {
        N28: [
            Capture(
                "https://city-ledger.example/business/2026/11/28/regional-exports", w1, en_site, "article"
            ),
            Capture("https://wahran-news.example/2026/11/28/transport", w2, ar_site, "article"),
            ImageCapture("https://city-ledger.example/img/logo.png"),
            Capture(shared.url, _corrected_copy(shared.article), en_site, "duplicate"),
            Capture(
                "https://mercado-hoy.example/2026/11/28/mercado-central", _spanish(), en_site, "quarantined"
            ),
        ],
        N27: [Capture("https://wahran-news.example/2026/11/27/culture", w5, ar_site, "article")],
        N26: [Capture("https://city-ledger.example/weather/2026/11/26/storms", w6, en_site, "article")],
    }


def _corrected_copy(shared: Article) -> Article:
    return Article(
        "w3",
        N28,
        "en",
        shared.topic,
        shared.title,
        [p for p in shared.paragraphs[:-1]] + [shared.paragraphs[-1] + " This story was corrected."],
        # the corrected copy carries its own, later time: the dump's row stays the first
        shared.published + dt.timedelta(minutes=45),
        shared.city,
    )


def _spanish() -> Article:
    return Article(
        "w4",
        N28,
        "es",
        "works",
        "El mercado central se renueva",
        [SPANISH],
        dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC),
        "Valencia",
    )


class NightArchive:
    """One night's WARC file being written: a warcinfo record, then captures; numbers its record ids."""

    def __init__(self, night: str) -> None:
        from warcio.warcwriter import WARCWriter

        self.night = night
        self.base = dt.datetime.fromisoformat(night + "T20:00:00+00:00")
        self.buf = io.BytesIO()
        self.writer = WARCWriter(self.buf, gzip=True, warc_version="1.0")
        self.counter = 0
        self.records: list[WarcRecord] = []
        info = b"software: akhbar.sample.generate\r\nformat: WARC File Format 1.0\r\nrobots: obey\r\n"
        self._write("", "warcinfo", info, self.base, warc_content_type="application/warc-fields")

    def page(self, capture: Capture, at: dt.datetime, *, with_request: bool) -> None:
        """An HTML page's response, after the request that fetched it when asked."""
        url, a = capture.url, capture.article
        if with_request:
            req = (
                f"GET {url.split('.example', 1)[1]} HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n"
                "User-Agent: akhbar-sample\r\n\r\n"
            ).encode()
            rid = self._write(url, "request", req, at - dt.timedelta(seconds=1))
            self.records.append(WarcRecord(rid, url, None, "skipped-request"))
        body = page_html(
            "web-archive",
            a,
            url,
            lang=a.lang,
            site=capture.site,
            visible_date=a.published.strftime("%d/%m/%Y %H:%M"),
        )
        last_modified = a.published.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        rid = self._write(url, "response", body, at, http=[*headers, ("Last-Modified", last_modified)])
        self.records.append(WarcRecord(rid, url, a, capture.outcome))

    def image(self, url: str, at: dt.datetime) -> None:
        png = tiny_png()
        http = [("Content-Type", "image/png"), ("Content-Length", str(len(png)))]
        rid = self._write(url, "response", png, at, http=http)
        self.records.append(WarcRecord(rid, url, None, "skipped"))

    def _write(
        self,
        url: str,
        kind: str,
        payload: bytes,
        at: dt.datetime,
        *,
        http: list[tuple[str, str]] | None = None,
        warc_content_type: str = "",
    ) -> str:
        """Writes one record; returns its WARC-Record-ID."""
        from warcio.statusandheaders import StatusAndHeaders

        self.counter += 1
        record_id = f"<urn:uuid:{self.night.replace('-', '')}-0000-4000-8000-{self.counter:012d}>"
        warc_headers = {"WARC-Record-ID": record_id, "WARC-Date": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        http_headers = StatusAndHeaders("200 OK", http, protocol="HTTP/1.1") if http else None
        self.writer.write_record(
            self.writer.create_warc_record(
                url,
                kind,
                payload=io.BytesIO(payload),
                length=len(payload),
                warc_content_type=warc_content_type,
                warc_headers_dict=warc_headers,
                http_headers=http_headers,
            )
        )
        return record_id

    def data(self) -> bytes:
        return self.buf.getvalue()


def _record_offsets(data: bytes) -> dict[str, int]:
    """Each record's byte offset in the (gzipped) WARC file, by WARC-Record-ID."""
    from warcio.archiveiterator import ArchiveIterator

    offsets = {}
    it = ArchiveIterator(io.BytesIO(data))
    for record in it:
        offsets[record.rec_headers.get_header("WARC-Record-ID")] = it.get_record_offset()
    return offsets


def _expect_warc(ex: Expect, sid: str, night: str, loc: str, record: WarcRecord, shared: SharedStory) -> None:
    record_id, url, a, outcome = record
    if a is None:  # a request or the image: not raw records
        why = "request record" if outcome == "skipped-request" else "non-HTML response (image/png)"
        ex.skipped.append(
            {"night": night, "source_id": sid, "locator": loc, "id": record_id, "url": url, "why": why}
        )
        return
    common = dict(id=record_id, url=url, title=a.title, lang=a.lang, text=a.text)
    if outcome == "article":
        checks = {
            "published_date": night,
            "date_source": ["metadata"],
            "canonical_url": url,
            "date_mentions_include": sorted(set(a.mentions)),
        }
        ex.add(night, sid, loc, "article", checks=checks, **common)
    elif outcome == "duplicate":
        ex.add(
            night,
            sid,
            loc,
            "duplicate",
            duplicate_of=shared.locator,
            duplicate_kind="exact_url",
            note="web capture of the harbour-gazette page also delivered in its CSV dump",
            **common,
        )
    else:
        # Languages other than ar, fr, en are kept and labelled, so corpus builders can filter them.
        note = "Spanish page: kept as an article labelled es"
        ex.add(night, sid, loc, "article", checks={"published_date": night}, note=note, **common)


# ---- (6) morocco-press: TREC documents --------------------------------------------------

# night -> (topic, city, extra paragraphs, ISO dates they mention)
TREC_PLAN: dict[str, list[tuple[str, str, list[str] | None, list[str]]]] = {
    N28: [
        (
            "culture",
            "الرباط",
            [
                "وتعود فكرة المهرجان إلى 14 يوليوز 2019، حين اجتمع عدد من الفنانين الشباب "
                "في ساحة المدينة العتيقة.",
                "وستنظم ورشات الخط العربي طيلة شهري غشت وشتنبر من السنة المقبلة.",
            ],
            ["2019-07-14"],
        ),
        (
            "economy",
            "الدار البيضاء",
            [
                "وتراجعت أسعار الحبوب في أسواق الجملة منذ 3 نونبر 2026، على أن "
                "تصدر الحصيلة النهائية في 15 دجنبر 2026."
            ],
            ["2026-11-03", "2026-12-15"],
        ),
    ],
    N27: [("transport", "طنجة", None, [])],
}


def _build_trec(c: Composer, files: dict[str, bytes], ex: Expect) -> None:
    sid, tz = "morocco-press", TZ["morocco-press"]
    for night, docs in TREC_PLAN.items():
        out = []
        for i, (topic, city, extra, mentions) in enumerate(docs, start=1):
            a = c.article(
                f"r-{night}-{i}",
                night,
                "ar",
                topic,
                country="MA",
                city=city,
                months="morocco",
                hour=9 + 4 * i,
                tz=tz,
                extra=extra,
            )
            a.mentions += mentions
            docno = f"MAP-{night.replace('-', '')}-{i:04d}"
            out.append(_trec_document(docno, a))
            _expect_dump_article(ex, sid, f"trec/{sid}/{night}.trec#{docno}", a, docno, lang="ar")
        files[f"trec/{sid}/{night}.trec"] = "".join(out).encode("utf-8")


def _trec_document(docno: str, a: Article) -> str:
    return (
        f"<DOC>\n<DOCNO>{docno}</DOCNO>\n<DATE>{a.published:%Y-%m-%d %H:%M}</DATE>\n"
        f"<HEADLINE>{escape(a.title)}</HEADLINE>\n<TEXT>\n"
        + "\n\n".join(escape(p) for p in a.paragraphs)
        + "\n</TEXT>\n</DOC>\n"
    )


def expected_document(found: dict) -> dict:
    records = found["records"]
    nights = {}
    for night in NIGHTS:
        recs = [r for r in records if r["night"] == night]
        per_source: dict[str, int] = {}
        for r in recs:
            per_source[r["source_id"]] = per_source.get(r["source_id"], 0) + 1
        nights[night] = {
            "raw_records": len(recs),
            "raw_records_per_source": dict(sorted(per_source.items())),
            "articles": [r["locator"] for r in recs if r["outcome"] == "article"],
            "duplicates": [
                {"locator": r["locator"], "duplicate_of": r["duplicate_of"], "kind": r["duplicate_kind"]}
                for r in recs
                if r["outcome"] == "duplicate"
            ],
            "quarantined": [
                {"locator": r["locator"], "reason": r["reason"], "stage": r["stage"]}
                for r in recs
                if r["outcome"] == "quarantined"
            ],
            "skipped_not_raw": [s["locator"] for s in found["skipped"] if s["night"] == night],
        }
    return {
        "about": "Expected outcome of every record of the sample corpus; see sample/README.md. Locators are "
        "relative to sample/: a page file, FILE:N for the N-th line of a .jsonl or N-th data row of a "
        ".csv (1-based, header not counted), FILE#OFFSET for a WARC record's byte offset, FILE#DOCNO "
        "for a TREC document. 'id' is the item's own identifier (guid, Atom id, doc_id, CSV id, "
        "WARC-Record-ID, DOCNO). Night expectations assume the nights are processed in order "
        "(backfill 2026-11-26..28); see 'standalone' for a fresh run of the run date alone.",
        "run_date": RUN_DATE,
        "nights": nights,
        "standalone": {
            RUN_DATE: {
                "articles_extra": [
                    r["locator"]
                    for r in records
                    if r["night"] == RUN_DATE
                    and r.get("duplicate_kind") == "near"
                    and not r["duplicate_of"].startswith("dumps/")
                    and r["source_id"] == "courrier-maghreb"
                ],
                "note": "without the 2026-11-27 night in the persistent index, the "
                "cross-night update is an article, not a duplicate",
            }
        },
        "reason_codes": {
            "not_found": "fetch: the page a feed links to does not exist",
            "malformed_json": "fetch: a JSON-lines row that does not parse",
            "empty_text": "clean: an HTML page with boilerplate only, nothing left after cleaning",
            "missing_text": "fetch: a dump row whose text is empty (quarantined at extract)",
        },
        "records": records,
        "skipped": found["skipped"],
    }


def render() -> dict[str, bytes]:
    files, found = build()
    doc = expected_document(found)
    files["EXPECTED.json"] = (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def generate(out: str | Path) -> list[Path]:
    """Write the sample corpus under ``out``; returns the written paths."""
    out = Path(out)
    written = []
    for rel, data in render().items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the akhbar sample corpus (deterministic).")
    parser.add_argument("--out", default="sample", help="target folder (default: sample/)")
    args = parser.parse_args(argv)
    paths = generate(args.out)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {total} bytes, under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
