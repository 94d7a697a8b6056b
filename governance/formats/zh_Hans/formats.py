"""Chinese formats as Django ships them, except that ISO dates come first: a date field's value is written
with the first input format, and the browser's <input type="date"> reads only YYYY-MM-DD — with Django's
2026/12/03 the field showed empty and the first submit failed with "该字段是必填项"."""
from django.conf.locale.zh_Hans.formats import *  # noqa: F401,F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DATES, DATETIME_INPUT_FORMATS as _DATETIMES

DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _DATES if f != "%Y-%m-%d"]]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                          *[f for f in _DATETIMES if f not in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")]]
