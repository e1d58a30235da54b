"""`{{ a_timedelta|minutes }}`: whole minutes, rounded up (a cool-off of 15 minutes is 15)."""

import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    if not isinstance(value, timedelta):
        return 0
    return max(0, math.ceil(value.total_seconds() / 60))
