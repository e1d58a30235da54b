from datetime import datetime, timedelta

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from inbox.triage.deadlines import standing

register = template.Library()

NOTHING, MINUS = "\u2013", "\u2212"  # an en dash (no figure), a minus sign

DUE_SOON = timedelta(hours=1)


@register.simple_tag
def response(post, now: datetime | None = None) -> dict:
    """
    Where a post stands, in words: the countdown while it waits for its first answer;
    once answered, whether that was on time or how late, and no countdown.
    """
    now = now or timezone.now()
    if post.first_response_at is None:
        return {**countdown(post.due_at, now), "answered": False}
    stand = standing(post.due_at, post.first_response_at, now, soon=DUE_SOON)
    if stand.state == "answered-late":
        text = _("answered %(time)s late") % {"time": timesince(post.due_at, post.first_response_at, depth=2)}
    elif stand.state == "answered-on-time":
        text = _("answered on time")
    else:
        text = _("answered")
    return {"text": text, "state": stand.state, "answered": True, "at": post.first_response_at}


@register.simple_tag
def countdown(due_at: datetime | None, now: datetime | None = None) -> dict:
    """The time left to a deadline in words, and its state (deadlines.standing): on-time, due-soon or breached."""
    now = now or timezone.now()
    state = standing(due_at, None, now, soon=DUE_SOON).state
    if state == "none":
        return {"text": "", "state": state}
    if state == "breached":
        return {"text": _("%(time)s overdue") % {"time": timesince(due_at, now, depth=1)}, "state": state}
    return {"text": _("in %(time)s") % {"time": timeuntil(due_at, now, depth=2)}, "state": state}


@register.filter
def figure(counts, name: str) -> str:
    """A precision, recall or F1 of `counts` with two decimals; a dash when there is nothing to measure it on."""
    predicted = counts.true_positive + counts.false_positive
    expected = counts.true_positive + counts.false_negative
    if (name in ("precision", "f1") and not predicted) or (name in ("recall", "f1") and not expected):
        return "\u2013"  # an en dash
    return floatformat(getattr(counts, name), 2)


@register.filter
def claim_words(pattern: str) -> str:
    """
    A known claim's pattern as people read it: "inneholder / laget av + pfas / bpa …"
    (any of the words on each side of the "+", all sides together; "…" for a word's
    endings), at most six words a side.
    """
    sides = []
    for part in (pattern or "").split("&"):
        words = [word.strip().replace("*", "…") for word in part.split("|") if word.strip()]
        shown = " / ".join(words[:6])
        if len(words) > 6:
            shown += " " + _("and %(count)s more") % {"count": len(words) - 6}
        if shown:
            sides.append(shown)
    return " + ".join(sides)


@register.filter
def tone_words(threshold) -> str:
    """A rule's sentiment limit in words: how negative a post must be for the rule to apply."""
    if threshold is None:
        return ""
    value = float(threshold)
    if value <= -0.6:
        return _("very negative tone")
    if value <= -0.2:
        return _("negative tone")
    if value <= 0.2:
        return _("neutral or negative tone")
    return _("any tone but very positive")


@register.filter
def seconds(value) -> str:
    """A time in seconds as people say it: "45 s", "12 min", "2 h 05 min", "3 d 4 h"; a dash for none."""
    if value is None or value == "":
        return NOTHING
    total = round(float(value))
    if total < 60:
        return _("%(s)s s") % {"s": total}
    minutes = round(total / 60)
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)02d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h") % {"d": days, "h": hours}


@register.filter
def percent(value, places: int = 0) -> str:
    """A share (0 to 1) as a percentage in the reader's format ("87 %"); a dash for none."""
    if value is None or value == "":
        return NOTHING
    return _("%(value)s %%") % {"value": floatformat(float(value) * 100, places)}


@register.filter
def points(value) -> str:
    """A change in a share, in percentage points, signed ("+4,2 pp", "-1 pp" with a minus sign); "" for none."""
    if value is None:
        return ""
    number = float(value) * 100
    sign = "+" if number > 0.05 else MINUS if number < -0.05 else "±"
    return _("%(sign)s%(value)s pp") % {"sign": sign, "value": floatformat(abs(number), 1)}


@register.filter
def cells(figures) -> str:
    """
    A row's figures as its table cells, each as it shows itself (a report's links to
    their posts), in one step rather than a loop of tags: a year's report has two thousand.
    """
    return SafeString("".join(f"<td>{conditional_escape(figure)}</td>" for figure in figures))


@register.filter
def heat(count, top) -> int:
    """A heatmap cell's shade, 0 to 5, by its count against the largest (with the count always written)."""
    if not count or not top:
        return 0
    return max(1, min(5, round(5 * count / top)))


@register.filter
def heat_cells(figures, top) -> str:
    """A heatmap row's cells: each shaded by `heat`, its figure written (a 0 dimmed), in one step."""
    return SafeString(
        "".join(
            f'<td class="heat-{heat(figure.value, top)}">{conditional_escape(figure)}</td>'
            if figure.value
            else '<td class="heat-0"><span class="meta">0</span></td>'
            for figure in figures
        )
    )
