"""Resolves the organisation named by the first path segment (/<slug>/...) and puts it on
`request.organisation`; every tenant-owned query starts from it."""

from django.http import Http404

from poortwachter.tenants import lookup


class OrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("organisation_slug", None)
        if slug is None:
            return None
        organisation = lookup.by_slug(slug.lower())
        if organisation is None:
            raise Http404("unknown organisation")
        request.organisation = organisation
        return None
