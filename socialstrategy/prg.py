"""
Post-redirect-get for Django's form views: a form that fails is not drawn in answer
to the POST (a reload would send it again) but by a redirect to the same page, bound
again to what was typed, kept in the session for that one view.
"""

from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "socialstrategy.failed-form"


class RedirectAfterInvalid:
    """For a CreateView or UpdateView: its errors come back after a redirect, with the input."""

    def form_invalid(self, form):
        self.request.session[SESSION_KEY] = {
            "path": self.request.path,
            "data": {key: self.request.POST.getlist(key) for key in self.request.POST if key != "csrfmiddlewaretoken"},
        }
        return HttpResponseRedirect(self.request.get_full_path())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        failed = self.request.session.get(SESSION_KEY)
        if self.request.method == "GET" and failed and failed.get("path") == self.request.path:
            del self.request.session[SESSION_KEY]
            data = QueryDict(mutable=True)
            for key, values in failed["data"].items():
                data.setlist(key, values)
            kwargs["data"] = data  # bound: the form shows its errors again
        return kwargs
