"""Saved replies, kept by the communication unit; everyone who answers posts can read them."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DeleteView, UpdateView

from socialstrategy.prg import RedirectAfterInvalid
from strategy.models import CATEGORY_CHOICES

from ..forms import SavedReplyForm
from ..models import SavedReply
from ..work.saved_replies import PLACEHOLDERS

INDEX = reverse_lazy("inbox:saved-replies")


@permission_required("inbox.view_savedreply", raise_exception=True)
def saved_reply_list(request: HttpRequest) -> HttpResponse:
    replies = SavedReply.objects.all()
    groups = [
        (label, [reply for reply in replies if reply.language == code]) for code, label in SavedReply.Language.choices
    ]
    return render(
        request,
        "inbox/saved_replies/list.html",
        {"groups": groups, "category_names": dict(CATEGORY_CHOICES), "placeholders": PLACEHOLDERS},
    )


class _SavedReplyEdit(PermissionRequiredMixin, RedirectAfterInvalid, SuccessMessageMixin):
    raise_exception = True
    model = SavedReply
    success_url = INDEX
    template_name = "inbox/saved_replies/form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["placeholders"] = PLACEHOLDERS
        context["can_delete"] = self.request.user.has_perm("inbox.delete_savedreply")
        return context


class SavedReplyCreate(_SavedReplyEdit, CreateView):
    form_class, permission_required = SavedReplyForm, "inbox.add_savedreply"
    success_message = _("The saved reply “%(title)s” is ready to use.")


class SavedReplyUpdate(_SavedReplyEdit, UpdateView):
    form_class, permission_required = SavedReplyForm, "inbox.change_savedreply"
    success_message = _("The saved reply “%(title)s” is updated.")


class SavedReplyDelete(_SavedReplyEdit, DeleteView):
    permission_required = "inbox.delete_savedreply"
    template_name = "inbox/saved_replies/confirm_delete.html"
    success_message = _("The saved reply was deleted.")
