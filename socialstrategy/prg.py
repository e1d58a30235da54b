"""
Post-redirect-get for the product's forms: a form that fails is not drawn in answer to
the POST (a reload would send it again) but after a redirect, bound again to what was
typed, kept in the session for that one next view. `keep` before the redirect,
`recall` in the view that draws the form; `RedirectAfterInvalid` does both for
Django's CreateView and UpdateView.
"""

from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "socialstrategy.failed-form"


def keep(request, *, place: str, form: str = "", errors: dict | None = None, data: dict | None = None) -> None:
    """
    Remember the failed form for the next view of `place` (a path, or any name of the
    page): what was posted (or `data`), and errors to show as they were found (else
    the form finds them again when drawn bound).
    """
    if data is None:
        data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    request.session[SESSION_KEY] = {"place": place, "form": form, "data": data, "errors": errors}


def recall(request, *, place: str) -> tuple[str, QueryDict, dict | None] | None:
    """The form kept for this place, once: its name, what was typed, and its errors (None: find them again)."""
    failed = request.session.get(SESSION_KEY)
    if not failed or failed.get("place") != place:
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for key, values in failed["data"].items():
        data.setlist(key, values)
    return failed["form"], data, failed["errors"]


def errors_of(form) -> dict[str, list[str]]:
    """A form's errors as plain data, for `keep`."""
    return {field: [error["message"] for error in found] for field, found in form.errors.get_json_data().items()}


def with_errors(form, errors: dict[str, list[str]]):
    """A bound form that shows these errors as they were found, without validating again."""
    from django.core.exceptions import NON_FIELD_ERRORS
    from django.forms.utils import ErrorDict

    form.cleaned_data = {}
    form._errors = ErrorDict()
    for field, texts in errors.items():
        extra = {"error_class": "nonfield"} if field == NON_FIELD_ERRORS else {}
        form._errors[field] = form.error_class(texts, renderer=form.renderer, **extra)
    return form


class RedirectAfterInvalid:
    """For a CreateView or UpdateView: its errors come back after a redirect, with the input."""

    def form_invalid(self, form):
        keep(self.request, place=self.request.path)
        return HttpResponseRedirect(self.request.get_full_path())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kept = recall(self.request, place=self.request.path)
            if kept is not None:
                kwargs["data"] = kept[1]  # bound: the form shows its errors again
        return kwargs
