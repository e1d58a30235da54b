import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(name="markdown")
def render_markdown(text: str) -> SafeString:
    """Markdown from the database to HTML, sanitised: guideline authors write text, not scripts."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html))  # noqa: S308 - nh3 has removed anything unsafe
