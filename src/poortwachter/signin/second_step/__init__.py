"""The sign-in's second step: after the password, a code from the authenticator app, a code
by e-mail, a passkey or a recovery code; and the set-up an organisation can require before
the session is granted."""
