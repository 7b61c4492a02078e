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
import gzip
import io
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

RUN_DATE = "2026-11-28"
NIGHTS = ("2026-11-26", "2026-11-27", "2026-11-28")
SEED = 20261128

# --------------------------------------------------------------------------------------
# Regional vocabulary
# --------------------------------------------------------------------------------------

MONTHS = {
    # Tunisia / Algeria: French-derived names.
    "maghreb": ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
    # Morocco.
    "morocco": ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"],
    # Egypt and the Gulf.
    "egypt": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
    # Levant and Iraq.
    "levant": ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
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
CURRENCY = {"TN": "دينار", "DZ": "دينار", "MA": "درهم", "EG": "جنيه", "LB": "ليرة", "SY": "ليرة",
            "IQ": "دينار", "SA": "ريال", "AE": "درهم", "JO": "دينار"}
FR_CITIES = ["Paris", "Lyon", "Marseille", "Tunis", "Alger", "Oran", "Casablanca", "Toulouse", "Sfax"]
EN_CITIES = ["London", "Manchester", "Beirut", "Dubai", "Cairo", "Amman", "Leeds", "Bristol"]

AR_TEAMS = ["نجم الساحل الأخضر", "النادي البلدي", "اتحاد الشباب", "الترجي الصغير", "أمل الضاحية",
            "هلال الجنوب", "شباب الميناء", "النجم الأزرق", "الأولمبي المحلي", "جمعية الواحة"]
AR_FESTS = ["الزيتونة للفنون", "ليالي الواحة", "الموسيقى الساحلية", "الحكاية الشعبية", "سينما الجنوب",
            "الخط العربي", "المسرح المدرسي", "فنون الخزف"]
FR_TEAMS = ["l'Union sportive du Port", "le Stade des Oliviers", "l'Olympique des Remparts",
            "l'Étoile du Littoral", "le Racing des Collines", "l'Avenir de la Vallée"]
FR_FESTS = ["Jazz des Remparts", "Lumières d'hiver", "Contes de la Méditerranée", "Images du Sud", "Arts de la rue"]
EN_TEAMS = ["Harbour Rovers", "Northside Athletic", "Riverside United", "Hilltop Town", "Old Mill FC", "Eastgate Wanderers"]
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
    "works": ["انطلاق أشغال تهيئة الطريق الرئيسية في {city}", "{city}: برنامج لتجديد الإنارة العمومية والأرصفة",
              "بلدية {city} تفتح ورشات جديدة قبل حلول الشتاء", "مشاريع بلدية في {city} بكلفة {money} مليون {cur}"],
    "weather": ["أمطار رعدية وانخفاض في درجات الحرارة في {city}", "نشرة جوية: رياح قوية وبحر مضطرب قبالة {city}",
                "{city} تسجل {mm} مليمترا من الأمطار في ليلة واحدة", "موجة برد تشمل {city} والمرتفعات الداخلية"],
    "sport": ["{team1} يتجاوز {team2} ويرتقي في الترتيب", "فوز ثمين لـ{team1} على ملعب {city}",
              "الجولة الرياضية: {team1} يواصل صحوته", "{team2} يشتكي التحكيم بعد الخسارة أمام {team1}"],
    "economy": ["صادرات الجهة ترتفع بنسبة {pct} بالمائة", "{city}: مؤسسات جديدة تنطلق في المنطقة الصناعية",
                "التضخم يتراجع إلى {pct2} بالمائة والأسعار تواصل الضغط", "أرقام اقتصادية جديدة من {city}"],
    "culture": ["افتتاح الدورة {edition} من مهرجان {fest} في {city}", "{city} تحتفي بالفنون في مهرجان {fest}",
                "مهرجان {fest}: عروض ومعارض وورشات للأطفال", "عودة مهرجان {fest} إلى {city}"],
    "transport": ["حافلات جديدة على خط {city} - {city2}", "النقل في {city}: تعديل المواعيد وتعزيز الأسطول",
                  "{city}: محطة حافلات حديثة وتطبيق لمتابعة الرحلات", "ضغط على وسائل النقل في {city}"],
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
    "works": ["{city} : l'avenue principale en chantier pour {n1} semaines", "Travaux à {city} : la mairie détaille son programme"],
    "weather": ["Orages et vent fort attendus sur {city}", "{city} : {mm} millimètres de pluie en une nuit"],
    "sport": ["{team1} domine {team2} et remonte au classement", "Football : victoire à domicile pour {team1}"],
    "economy": ["Les exportations agricoles progressent de {pct} %", "L'inflation recule à {pct2} % en octobre"],
    "culture": ["Le festival {fest} ouvre sa {edition}e édition à {city}", "{city} : coup d'envoi du festival {fest}"],
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
        "\"We want to see real results,\" one resident said.",
        "A public information meeting is planned at the town hall next week.",
        "The news drew a wide range of reactions on social media.",
        "The last comparable initiative dates back to {date}, in {city2}.",
        "We will return to this story in future editions.",
    ],
}
EN_TITLES = {
    "works": ["{city} main road closed for {n1} weeks of resurfacing", "Council sets out {city} roadworks plan"],
    "weather": ["Storms and strong winds forecast for {city}", "{city} records {mm}mm of rain in one night"],
    "sport": ["{team1} beat {team2} to climb the table", "Home win for {team1} in {city}"],
    "economy": ["Regional farm exports up {pct} per cent", "Inflation eases to {pct2} per cent in October"],
    "culture": ["{fest} festival opens in {city}", "{city} welcomes the {edition}th {fest} festival"],
}

POOLS = {"ar": AR, "fr": FR, "en": EN}
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


class Composer:
    """Builds distinct articles: least-used sentences first, fresh slot values for each."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.used: dict[tuple[str, str, int], int] = {}

    def _pick(self, lang: str, pool: str, k: int) -> list[int]:
        sentences = POOLS[lang][pool]
        order = list(range(len(sentences)))
        self.rng.shuffle(order)
        order.sort(key=lambda i: self.used.get((lang, pool, i), 0))
        chosen = sorted(order[:k])
        for i in chosen:
            self.used[(lang, pool, i)] = self.used.get((lang, pool, i), 0) + 1
        return chosen

    def slots(self, lang: str, country: str, city: str, months: str, indic: bool) -> tuple[dict, list[str]]:
        r = self.rng
        if lang == "ar":
            others = [c for c in CITIES[country] if c != city]
            teams = r.sample(AR_TEAMS, 4)
            fest = r.choice(AR_FESTS)
            cur = CURRENCY[country]
        elif lang == "fr":
            others = [c for c in FR_CITIES if c != city]
            teams = r.sample(FR_TEAMS, 4)
            fest = r.choice(FR_FESTS)
            cur = "euros"
        else:
            others = [c for c in EN_CITIES if c != city]
            teams = r.sample(EN_TEAMS, 4)
            fest = r.choice(EN_FESTS)
            cur = "pounds"
        past = dt.date(2026, r.randint(1, 10), r.randint(1, 28))
        future = dt.date(2026, 12, r.randint(5, 28)) if r.random() < 0.5 else dt.date(2027, r.randint(1, 3), r.randint(1, 28))
        month = dt.date(2026, 12, 1)
        t0 = r.randint(2, 9)
        values = {
            "city": city, "city2": r.choice(others), "cur": cur, "fest": fest,
            "team1": teams[0], "team2": teams[1], "team3": teams[2], "team4": teams[3],
            "n1": str(r.randint(3, 9)), "n2": str(r.randint(12, 95)), "n3": str(r.randint(120, 9800)),
            "pct": str(r.randint(4, 38)), "pct2": f"{r.randint(2, 9)}.{r.randint(1, 9)}",
            "money": str(r.randint(2, 60)), "price": f"{r.randint(1, 4)}.{r.randint(10, 95)}",
            "mw": str(r.randint(3, 24) * 10), "pop": str(r.randint(3, 40) * 50000),
            "t0": str(t0), "t1": str(t0 + r.randint(6, 9)), "t2": str(t0 + r.randint(10, 13)),
            "mm": str(r.randint(18, 74)), "s1": str(r.randint(2, 4)), "s2": str(r.randint(0, 1)),
            "min1": str(r.randint(8, 85)), "rank": str(r.randint(2, 7)), "pts": str(r.randint(14, 31)),
            "edition": str(r.randint(5, 34)), "weekday": r.choice(AR_WEEKDAYS),
            "month": MONTHS[months][month.month - 1] if lang != "en" else "December",
        }
        for k in ("n1", "n2", "n3", "pct", "pct2", "money", "price", "mw", "pop", "t0", "t1", "t2", "mm",
                  "s1", "s2", "min1", "rank", "pts", "edition"):
            values[k] = _digits(values[k], indic)
        if lang == "en":
            values["date"] = f"{past.day} {MONTHS['en'][past.month - 1]} {past.year}"
            values["date_future"] = f"{future.day} {MONTHS['en'][future.month - 1]} {future.year}"
        else:
            values["date"] = date_text(past, months, indic)
            values["date_future"] = date_text(future, months, indic)
        return values, [past.isoformat(), future.isoformat()]

    def article(self, key: str, night: str, lang: str, topic: str, *, country: str = "TN", city: str | None = None,
                months: str | None = None, indic: bool = False, hour: int = 9, minute: int = 0,
                tz: dt.tzinfo = dt.timezone.utc, n_topic: int | None = None, n_general: int | None = None,
                extra: list[str] | None = None) -> Article:
        r = self.rng
        months = months or {"ar": "maghreb", "fr": "fr", "en": "en"}[lang]
        if city is None:
            city = r.choice(CITIES[country] if lang == "ar" else (FR_CITIES if lang == "fr" else EN_CITIES))
        values, iso = self.slots(lang, country, city, months, indic)
        n_topic = n_topic or (r.randint(7, 10) if lang == "ar" else r.randint(5, 7))
        n_general = n_general if n_general is not None else r.randint(1, 3)
        topic_s = [POOLS[lang][topic][i] for i in self._pick(lang, topic, n_topic)]
        general_s = [POOLS[lang]["general"][i] for i in self._pick(lang, "general", n_general)]
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
            paragraphs.append(" ".join(rendered[i:i + size]))
            i += size
        title = r.choice(TITLES[lang][topic]).format_map(values)
        day = dt.date.fromisoformat(night)
        published = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        return Article(key, night, lang, topic, title, paragraphs, published, city, mentions)

# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------

from zoneinfo import ZoneInfo  # noqa: E402

TZ = {"tunis-akhbar": ZoneInfo("Africa/Tunis"), "courrier-maghreb": ZoneInfo("Europe/Paris"),
      "mashriq-wire": ZoneInfo("Africa/Cairo"), "levant-english": ZoneInfo("Asia/Beirut"),
      "web-archive": dt.timezone.utc, "morocco-press": ZoneInfo("Africa/Casablanca")}

SITE = {
    "tunis-akhbar": {"host": "https://tunis-akhbar.example", "name": "تونس أخبار", "lang": "ar", "dir": "rtl",
                     "nav": ["الرئيسية", "وطنية", "جهات", "اقتصاد", "رياضة", "ثقافة", "طقس"],
                     "share": "شارك المقال: فيسبوك | تويتر | واتساب | نسخ الرابط",
                     "footer": "© 2024 تونس أخبار. جميع الحقوق محفوظة.",
                     "links": "من نحن | اتصل بنا | سياسة الخصوصية | الإشهار",
                     "popular": "الأكثر قراءة",
                     "cats": {"works": "جهات", "weather": "طقس", "sport": "رياضة", "economy": "اقتصاد",
                              "culture": "ثقافة", "transport": "وطنية"}},
    "courrier-maghreb": {"host": "https://courrier-maghreb.example", "name": "Le Courrier du Maghreb", "lang": "fr",
                         "dir": "ltr", "nav": ["Accueil", "Régions", "Économie", "Sports", "Culture", "Météo"],
                         "share": "Partager : Facebook | X | WhatsApp | Copier le lien",
                         "footer": "© 2024 Le Courrier du Maghreb. Tous droits réservés.",
                         "links": "Qui sommes-nous | Contact | Mentions légales", "popular": "Les plus lus",
                         "cats": {"works": "Régions", "weather": "Météo", "sport": "Sports", "economy": "Économie",
                                  "culture": "Culture"}},
    "web-archive": {"host": "", "name": "", "lang": "en", "dir": "ltr", "nav": ["Home", "News", "Business", "Sport", "Culture"],
                    "share": "Share this story: Facebook | X | Email", "footer": "© 2024 All rights reserved.",
                    "links": "About | Contact | Privacy", "popular": "Most read", "cats": {}},
}
POPULAR = {
    "tunis-akhbar": ["جدول مباريات الأسبوع", "أسعار المحروقات", "مواعيد القطارات", "حالة الطرقات"],
    "courrier-maghreb": ["Programme télé de la semaine", "Prix des carburants", "Horaires des trains", "État des routes"],
    "web-archive": ["Fixtures this week", "Fuel prices", "Train times", "Road conditions"],
}


def page_html(site_id: str, a: Article, url: str | None, *, meta: bool = True, charset: str = "utf-8",
              empty_body: bool = False, visible_date: str | None = None, lang: str | None = None,
              site: dict | None = None) -> bytes:
    s = site or SITE[site_id]
    lang = lang or a.lang
    direction = "rtl" if lang == "ar" else "ltr"
    head = [f'<meta charset="{charset}">', f"<title>{escape(a.title)} | {escape(s['name'])}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    if meta:
        head.append(f'<meta property="og:title" content="{escape(a.title)}">')
        head.append(f'<meta property="article:published_time" content="{a.published.isoformat()}">')
        if url:
            head.append(f'<link rel="canonical" href="{url}">')
    nav = "".join(f'<li><a href="/{i}">{escape(x)}</a></li>' for i, x in enumerate(s["nav"]))
    popular = "".join(f'<li><a href="/p/{i}">{escape(x)}</a></li>' for i, x in enumerate(POPULAR.get(site_id, POPULAR["web-archive"])))
    if empty_body:
        body = '<div class="article-body"></div>'
        h1 = ""
    else:
        body = '<div class="article-body">\n' + "\n".join(f"<p>{escape(p)}</p>" for p in a.paragraphs) + "\n</div>"
        h1 = f"<h1>{escape(a.title)}</h1>\n"
    date_line = f'<div class="byline">{escape(visible_date)}</div>\n' if visible_date else ""
    html = (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n' + "\n".join(head) + "\n</head>\n<body>\n"
        f'<header><div class="logo">{escape(s["name"])}</div><nav><ul>{nav}</ul></nav></header>\n'
        f"<main>\n<article>\n{h1}{date_line}{body}\n"
        f'<div class="share">{escape(s["share"])}</div>\n</article>\n'
        f'<aside><h3>{escape(s["popular"])}</h3><ul>{popular}</ul></aside>\n</main>\n'
        f'<footer><p>{escape(s["footer"])}</p><p>{escape(s["links"])}</p></footer>\n</body>\n</html>\n'
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

    def __init__(self):
        self.records: list[dict] = []
        self.skipped: list[dict] = []

    def add(self, night, source, locator, outcome, *, id=None, url=None, title=None, lang=None, reason=None,
            stage=None, duplicate_of=None, duplicate_kind=None, checks=None, note=None):
        rec = {"night": night, "source_id": source, "locator": locator, "id": id, "url": url, "title": title,
               "outcome": outcome}
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


def near_copy(a: Article, key: str, *, lead: str, drop: int, swap: tuple[str, str], hour: int, tz, title: str,
              night: str | None = None) -> Article:
    """The same story republished with small edits: a new lead line, one sentence dropped, one figure changed."""
    paragraphs = [p for p in a.paragraphs]
    sentences = [s for p in paragraphs for s in _split_sentences(p)]
    del sentences[drop]
    sentences.insert(0, lead)
    text = " ".join(sentences).replace(swap[0], swap[1], 1)
    parts = _split_sentences(text)
    paragraphs = [" ".join(parts[i:i + 3]) for i in range(0, len(parts), 3)]
    night = night or a.night
    day = dt.date.fromisoformat(night)
    published = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz)
    return Article(key, night, a.lang, a.topic, title, paragraphs, published, a.city, list(a.mentions))


def _split_sentences(p: str) -> list[str]:
    out, cur = [], ""
    for i, ch in enumerate(p):
        cur += ch
        if ch in ".!?؟" and (i + 1 == len(p) or p[i + 1] == " ") and not (ch == "." and i > 0 and p[i - 1].isdigit()):
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
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\xff\xff"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


SPANISH = (
    "El ayuntamiento ha presentado esta mañana el plan de renovación del mercado central, que incluye nuevas "
    "cubiertas, puestos más amplios y un aparcamiento para bicicletas. Según los técnicos municipales, las obras "
    "comenzarán en enero y durarán unos ocho meses, durante los cuales los comerciantes se trasladarán a una carpa "
    "provisional en la plaza vecina. Los vecinos del barrio han recibido la noticia con satisfacción, aunque piden "
    "que se mantenga el horario de apertura de los sábados. El presupuesto total asciende a cuatro millones de "
    "euros y se financiará con fondos regionales. La próxima reunión informativa se celebrará el martes en la "
    "biblioteca del distrito."
)
