"""Bulk import page: upload a CSV, check it (dry run: per-row errors, no mail), import it."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from poortwachter.console import importing
from poortwachter.console.views.common import console_page


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"),
                           help_text=gettext_lazy("Columns: e-mail, name, username, role. UTF-8, separated by "
                                                  "“;” or “,”. At most 5000 users."))


@console_page(["GET", "POST"])
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome, dry_run = None, request.POST.get("mode") != "run"
    if request.method == "POST" and form.is_valid():
        outcome = importing.run(request, form.cleaned_data["file"].read(importing.MAX_BYTES + 1), dry_run=dry_run)
    status = 400 if (form.is_bound and not form.is_valid()) or (outcome and (outcome.errors or outcome.refused)) else 200
    return render(request, "console/import.html", {"form": form, "outcome": outcome, "dry_run": dry_run},
                  status=status)
