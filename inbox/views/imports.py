"""
CSV import pages for the communication unit: the list, upload, column mapping
with a live preview, and the run with its progress bar. The work is in
`inbox.ingest.csv_import`; these views validate forms and show what it says. A form
that fails comes back by a redirect (post-redirect-get, `socialstrategy.prg`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from socialstrategy import prg
from strategy.models import Channel

from ..ingest import csv_import as imports
from ..models import CsvImport

ADD = "inbox.add_csvimport"
VIEW = "inbox.view_csvimport"
DELIMITER_NAMES = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}
# The upload form's name in the session (socialstrategy.prg) when the file was taken but cannot be read.
REFUSED_FILE = "refused-file"


class UploadForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.filter(is_active=True),
        empty_label=_("Choose a channel"),
        help_text=_("The channel the posts were written on."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "At most 10 MB. Columns separated by comma, semicolon or tab; "
            "UTF-8 or Windows-1252, as Excel saves it. The first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(imports.MAX_UPLOAD_BYTES)},
                code="too_large",
            )
        return upload


class MappingForm(forms.Form):
    """One select per field of ours, offering the file's columns."""

    required_css_class = "required"

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *((column, column) for column in columns)]
        for import_field in imports.FIELDS:
            self.fields[import_field.name] = forms.ChoiceField(
                label=import_field.label, choices=choices, required=import_field.required
            )

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}


def _import_or_404(import_id: int) -> CsvImport:
    # The file can be 10 MB; pages that poll must not read it every second.
    return get_object_or_404(CsvImport.objects.select_related("channel", "uploaded_by").defer("content"), pk=import_id)


@permission_required(VIEW, raise_exception=True)
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    csv_imports = (
        CsvImport.objects.select_related("channel", "uploaded_by")
        .defer("content", "errors")
        .annotate(rejected=F("processed_rows") - F("imported") - F("duplicates"))
    )
    page = Paginator(csv_imports, 25).get_page(request.GET.get("page"))
    return render(request, "inbox/imports/list.html", {"page": page})


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _upload_again(request, form, refused=False)
        upload = form.cleaned_data["file"]
        csv_import = imports.store_upload(
            channel=form.cleaned_data["channel"],
            file_name=upload.name,
            content=upload.read(),
            uploaded_by=request.user,
        )
        if csv_import.status != CsvImport.Status.FAILED:
            messages.success(
                request,
                _("%(file)s is uploaded with %(rows)s rows. Check the columns, then start the import.")
                % {"file": csv_import.file_name, "rows": csv_import.total_rows},
            )
            return redirect("inbox:import-mapping", import_id=csv_import.pk)
        # Kept as a failed import, so that the list shows what was tried.
        form.add_error("file", _("This file cannot be read: %(reason)s") % {"reason": imports.failure(csv_import)})
        return _upload_again(request, form, refused=True)

    form, refused = UploadForm(), False
    kept = prg.recall(request, place=reverse("inbox:import-upload"))
    if kept is not None:
        name, data, errors = kept
        form, refused = prg.with_errors(UploadForm(data), errors), name == REFUSED_FILE
    return render(request, "inbox/imports/upload.html", {"form": form, "file_refused": refused})


def _upload_again(request: HttpRequest, form: UploadForm, *, refused: bool) -> HttpResponse:
    """
    Post-redirect-get (socialstrategy.prg): a refused upload comes back by a redirect,
    so that a reload never sends it again, with the channel chosen and what is wrong,
    said once. The errors are kept as found: the file they speak of is not posted again,
    and a browser cannot put it back into the file input (the page asks for it again).
    """
    page = reverse("inbox:import-upload")
    prg.keep(request, place=page, form=REFUSED_FILE if refused else "upload", errors=prg.errors_of(form))
    return redirect(page)


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, import_id: int) -> HttpResponse:
    csv_import = get_object_or_404(CsvImport.objects.select_related("channel"), pk=import_id)
    if csv_import.status not in (CsvImport.Status.UPLOADED, CsvImport.Status.FAILED):
        return redirect("inbox:import-detail", import_id=csv_import.pk)
    try:
        table = imports.table_of(csv_import)
    except imports.CsvFileError as exc:
        messages.error(request, _("This file cannot be read: %(reason)s") % {"reason": exc})
        return redirect("inbox:import-detail", import_id=csv_import.pk)

    columns = table.header
    page = reverse("inbox:import-mapping", args=[csv_import.pk])
    if request.method == "POST":
        form = MappingForm(request.POST, columns=columns)
        # "Update the preview" is for browsers without JavaScript; htmx updates it on every change.
        previewing = "preview" in request.POST
        if not previewing and form.is_valid():
            with transaction.atomic():
                started = imports.start_import(import_id=csv_import.pk, mapping=form.mapping())
            if started:
                messages.success(request, _("The import has started."))
            else:
                messages.warning(request, _("This import has already been started."))
            return redirect("inbox:import-detail", import_id=csv_import.pk)
        # Post-redirect-get: the mapping being chosen is kept on the import, shown with its
        # preview on every view of the page until the import starts; the selects as posted
        # come back once, with what is wrong found again (none for a preview, as with htmx).
        if not imports.save_draft_mapping(import_id=csv_import.pk, mapping=_mapping_from(request.POST, columns)):
            messages.warning(request, _("This import has already been started."))
            return redirect("inbox:import-detail", import_id=csv_import.pk)
        prg.keep(request, place=page, form="preview" if previewing else "mapping", errors={} if previewing else None)
        return redirect(f"{page}#preview-heading" if previewing else page)

    kept = prg.recall(request, place=page)
    if kept is not None:
        _name, data, errors = kept
        form = MappingForm(data, columns=columns)
        if errors is not None:
            prg.with_errors(form, errors)
        mapping = _mapping_from(data, columns)
    else:
        mapping = {
            name: column
            for name, column in (csv_import.draft_mapping or csv_import.mapping).items()
            if column in columns
        }
        form = MappingForm(initial=mapping, columns=columns)
    return render(
        request,
        "inbox/imports/mapping.html",
        {
            "csv_import": csv_import,
            "table": table,
            "delimiter_name": DELIMITER_NAMES.get(table.delimiter, table.delimiter),
            "form": form,
            "failure": imports.failure(csv_import) if csv_import.status == CsvImport.Status.FAILED else "",
            **_preview_context(csv_import, mapping),
        },
    )


@permission_required(ADD, raise_exception=True)
@require_GET
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    """The preview for the mapping the selects show now (the mapping page's htmx fragment)."""
    csv_import = get_object_or_404(CsvImport, pk=import_id)
    try:
        columns = imports.table_of(csv_import).header
        context = _preview_context(csv_import, _mapping_from(request.GET, columns))
    except imports.CsvFileError as exc:
        context = {"preview_error": str(exc)}
    return render(request, "inbox/imports/_preview.html", {"csv_import": csv_import, "oob": True, **context})


@permission_required(VIEW, raise_exception=True)
@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    csv_import = _import_or_404(import_id)
    if csv_import.status == CsvImport.Status.UPLOADED and request.user.has_perm(ADD):
        return redirect("inbox:import-mapping", import_id=csv_import.pk)
    mapping_shown = [
        (import_field, csv_import.mapping[import_field.name])
        for import_field in imports.FIELDS
        if csv_import.mapping.get(import_field.name)
    ]
    return render(
        request, "inbox/imports/detail.html", {**_progress_context(csv_import), "mapping_shown": mapping_shown}
    )


@permission_required(VIEW, raise_exception=True)
@require_GET
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress bar and, once finished, the result: polled every second by the import's page."""
    csv_import = _import_or_404(import_id)
    return render(request, "inbox/imports/_progress.html", {**_progress_context(csv_import), "oob": True})


def _mapping_from(data, columns: list[str]) -> dict[str, str]:
    """Our field -> column from submitted selects, keeping only real fields and real columns."""
    return {name: data[name] for name in imports.FIELD_NAMES if name in data and data[name] and data[name] in columns}


def _preview_context(csv_import: CsvImport, mapping: dict[str, str]) -> dict:
    try:
        rows = imports.preview(csv_import, mapping)
    except imports.CsvFileError as exc:
        return {"preview_error": str(exc)}
    shown = [import_field for import_field in imports.FIELDS if import_field.name in mapping]
    return {
        "preview_rows": [
            {"row": row, "cells": [row.values.get(import_field.name, "") for import_field in shown]} for row in rows
        ],
        "preview_fields": shown,
        "preview_counts": {
            outcome: sum(1 for row in rows if row.outcome == outcome) for outcome in ("ok", "duplicate", "rejected")
        },
    }


def _progress_context(csv_import: CsvImport) -> dict:
    finished = csv_import.status in imports.FINISHED
    total = csv_import.total_rows
    return {
        "csv_import": csv_import,
        "finished": finished,
        # <progress> needs a max above 0: an empty file that is done shows a full bar.
        "bar_max": total or 1,
        "bar_value": csv_import.processed_rows if total else int(finished),
        "rejected": imports.rejected_count(csv_import),
        "percent": 100 if finished and csv_import.status == CsvImport.Status.DONE else _percent(csv_import),
        "unlisted_rejections": max(imports.rejected_count(csv_import) - len(csv_import.errors), 0),
        # Stored as data, said in the reader's language.
        "rejections": [(entry.get("line"), imports.describe_rejection(entry)) for entry in csv_import.errors],
        "failure": imports.failure(csv_import) if csv_import.status == CsvImport.Status.FAILED else "",
        # Before the rows are counted a bar has no length: show it indeterminate.
        "indeterminate": not finished and not total,
    }


def _percent(csv_import: CsvImport) -> int:
    if not csv_import.total_rows:
        return 0
    return min(100, round(100 * csv_import.processed_rows / csv_import.total_rows))
