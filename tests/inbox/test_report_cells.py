"""
A report's figures as the page shows them (`views.reports.Link`, the `cells` filter):
a link to exactly its posts, a plain 0, the address escaped, the number localized as
the template would have it.
"""

from django.template import Context, Template
from django.utils import formats, translation

from inbox.views.reports import Link


def rendered(source: str, **context) -> str:
    return Template("{% load inbox_tags %}" + source).render(Context(context))


def test_a_figure_is_a_link_to_its_posts_and_a_zero_is_plain():
    assert rendered("{{ link }}", link=Link(12, "/inbox/queue/all/?a=1&q=<b>")) == (
        '<a href="/inbox/queue/all/?a=1&amp;q=&lt;b&gt;">12</a>'
    )
    assert rendered("{{ link }}", link=Link(0, "/inbox/queue/all/?a=1")) == "0"


def test_a_row_of_figures_is_its_cells_and_other_values_are_escaped():
    row = [Link(3, "/a/?x=1&y=2"), Link(0, "/b/"), "<i>", 7]
    assert rendered("{{ row|cells }}", row=row) == (
        '<td><a href="/a/?x=1&amp;y=2">3</a></td><td>0</td><td>&lt;i&gt;</td><td>7</td>'
    )


def test_a_figure_is_localized_as_the_template_would(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("nb"):
        expected = formats.localize(1234567)
        assert expected != "1234567"  # bokmål separates the thousands
        assert rendered("{{ link }}", link=Link(1234567, "/a/")) == f'<a href="/a/">{expected}</a>'
        assert rendered("{{ link }}", link=Link(2.5, "/a/")) == f'<a href="/a/">{formats.localize(2.5)}</a>'
    settings.USE_THOUSAND_SEPARATOR = False
    assert rendered("{{ link }}", link=Link(1234567, "/a/")) == '<a href="/a/">1234567</a>'


def test_a_heatmap_row_is_shaded_by_each_figure_against_the_largest():
    row = [Link(10, "/a/?h=1&d=2"), Link(0, "/b/"), Link(1, "/c/")]
    assert rendered("{{ row|heat_cells:10 }}", row=row) == (
        '<td class="heat-5"><a href="/a/?h=1&amp;d=2">10</a></td>'
        '<td class="heat-0"><span class="meta">0</span></td>'
        '<td class="heat-1"><a href="/c/">1</a></td>'
    )
