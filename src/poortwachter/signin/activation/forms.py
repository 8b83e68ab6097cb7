"""The "choose a password" form of activation (also used by the password reset page): the
sign-in core's NewPasswordForm, with what the strength meter (static/strength.js) needs to
estimate while typing. The server's rules (password_rules.check) stay the ones that count."""

from poortwachter.signin.forms import NewPasswordForm


class ChoosePasswordForm(NewPasswordForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        organisation = user.organisation
        self.min_length = organisation.policy.min_password_length()
        self.fields["new_password"].widget.attrs.update({
            "data-strength": "password-strength",
            "data-strength-min": str(self.min_length),
            # Words the meter treats as easy to guess, as the server does.
            "data-strength-personal": " ".join(v for v in (user.username, user.email, user.name,
                                                           organisation.name, organisation.slug) if v),
            "aria-describedby": "password-advice password-strength",
        })
