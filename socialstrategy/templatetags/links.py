"""`{{ url|web_link }}`: the URL when it is an http or https link, else empty (see socialstrategy.links)."""

from django import template

from ..links import web_link as _web_link

register = template.Library()


@register.filter
def web_link(url) -> str:
    return _web_link(url or "")
