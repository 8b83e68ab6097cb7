from django.urls import path

from poortwachter.signin.second_step import passkey_views, views

app_name = "second_step"
urlpatterns = [
    path("login/second-step", views.prove, name="prove"),
    path("login/second-step/set-up", views.set_up, name="setup"),
    path("login/second-step/done", views.done, name="done"),
    path("recovery-codes.txt", views.recovery_codes_download, name="recovery_codes_download"),
    # Passkeys (JSON for static/passkey.js; see passkey_views).
    path("login/passkey/options", passkey_views.signin_options, name="passkey_signin_options"),
    path("login/passkey/verify", passkey_views.signin_verify, name="passkey_signin_verify"),
    path("login/second-step/passkey/options", passkey_views.second_step_options, name="passkey_options"),
    path("login/second-step/passkey/verify", passkey_views.second_step_verify, name="passkey_verify"),
    path("login/second-step/set-up/passkey/options", passkey_views.setup_options, name="passkey_setup_options"),
    path("login/second-step/set-up/passkey/verify", passkey_views.setup_verify, name="passkey_setup_verify"),
    path("login/second-step/passkey/recovery-codes", passkey_views.recovery_codes, name="passkey_recovery_codes"),
    path("settings/passkey/options", passkey_views.settings_options, name="passkey_settings_options"),
    path("settings/passkey/verify", passkey_views.settings_verify, name="passkey_settings_verify"),
    path("reauth/passkey/options", passkey_views.reauth_options, name="passkey_reauth_options"),
    path("reauth/passkey/verify", passkey_views.reauth_verify, name="passkey_reauth_verify"),
]
