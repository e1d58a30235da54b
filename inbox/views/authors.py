"""
A post's author: who they are across platforms (linked accounts) and to us (a target
group). Each is a form posted here, a call to `work.people`, and back to the post.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from strategy.models import TargetGroup

from ..models import Author
from ..work import people
from .posts import post_or_404


@require_POST
def link_author(request: HttpRequest, post_id: int) -> HttpResponse:
    """This post's author and another account are the same person."""
    post = post_or_404(request, post_id)
    if post.author is None:
        raise Http404
    other = get_object_or_404(Author, pk=request.POST.get("other"))
    people.link_authors(author=post.author, other=other, user=request.user)
    messages.success(
        request, _("%(one)s and %(other)s are now one person.") % {"one": post.author.label, "other": other.label}
    )
    return redirect(f"{reverse('inbox:post-detail', args=[post.pk])}#author-heading")


@require_POST
def unlink_author(request: HttpRequest, post_id: int) -> HttpResponse:
    """An account linked to this post's author is not the same person after all."""
    post = post_or_404(request, post_id)
    account = get_object_or_404(Author, pk=request.POST.get("account"))
    if post.author is None or account.person_id is None or account.person_id != post.author.person_id:
        raise Http404
    people.unlink_author(author=account, user=request.user)
    messages.success(request, _("%(name)s is no longer linked.") % {"name": account.label})
    return redirect(f"{reverse('inbox:post-detail', args=[post.pk])}#author-heading")


@require_POST
def author_group(request: HttpRequest, post_id: int) -> HttpResponse:
    """Who this post's author is to us (a target group), for them and their linked accounts."""
    post = post_or_404(request, post_id)
    if post.author is None:
        raise Http404
    value = request.POST.get("target_group", "")
    group = None
    if value:
        group = TargetGroup.objects.filter(pk=value).first() if value.isascii() and value.isdigit() else None
        if group is None:
            messages.error(request, _("Choose one of the target groups."))
            return redirect(f"{reverse('inbox:post-detail', args=[post.pk])}#author-heading")
    people.set_target_group(author=post.author, group=group, user=request.user)
    if group is None:
        messages.success(request, _("%(name)s has no target group now.") % {"name": post.author.label})
    else:
        messages.success(request, _("%(name)s is in %(group)s now.") % {"name": post.author.label, "group": group.name})
    return redirect(f"{reverse('inbox:post-detail', args=[post.pk])}#author-heading")
