"""Loads the signed-in user for django.contrib.auth. Authentication itself happens in
signin.flow; this backend never checks a password."""

from poortwachter.accounts.models import User


class OrganisationUserBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        # No join: the middleware puts the request's organisation on the user.
        return User.objects.filter(pk=user_id).first()
