"""What other parts (the OIDC provider) must hear about a person's access.

`access_revoked(user, reason)`: the user's sign-ins elsewhere must end: blocked, locked
out, password reset or set by an administrator, all sessions ended. Receivers revoke
refresh tokens and send back-channel logouts.

`session_ended(user, session_key, reason)`: one server-side session ended (sign-out,
idle or absolute limit, ended from settings or the console). Receivers send back-channel
logouts for the apps that session signed into. Sent after the session row is gone."""

from django.dispatch import Signal

access_revoked = Signal()
session_ended = Signal()
