"""The console's addresses, under /<slug>/console/ (namespace "console")."""

from django.urls import path

from poortwachter.console.views import audit, home, importing, roles, settings, user_actions, users

app_name = "console"
urlpatterns = [
    path("", home.overview, name="overview"),
    path("terms", home.terms_page, name="terms"),
    path("users/", users.user_list_page, name="users"),
    path("users/new", users.user_create, name="user_create"),
    path("users/import", importing.import_page, name="import"),
    path("users/<int:pk>/", users.user_detail, name="user"),
    path("users/<int:pk>/activation", user_actions.resend_activation, name="user_activation"),
    path("users/<int:pk>/email", user_actions.change_email, name="user_email"),
    path("users/<int:pk>/reset-link", user_actions.send_reset_link, name="user_reset_link"),
    path("users/<int:pk>/password", user_actions.set_password, name="user_password"),
    path("users/<int:pk>/block", user_actions.block, name="user_block"),
    path("users/<int:pk>/unblock", user_actions.unblock, name="user_unblock"),
    path("users/<int:pk>/unlock", user_actions.lift_lock, name="user_unlock"),
    path("users/<int:pk>/roles", user_actions.roles, name="user_roles"),
    path("users/<int:pk>/second-step", user_actions.second_step, name="user_second_step"),
    path("users/<int:pk>/second-step/remove", user_actions.remove_second_step, name="user_second_step_remove"),
    path("users/<int:pk>/sessions/<str:session_key>/end", user_actions.end_session, name="user_session_end"),
    path("users/<int:pk>/delete", user_actions.delete, name="user_delete"),
    path("roles/", roles.role_list, name="roles"),
    path("roles/new", roles.role_create, name="role_create"),
    path("roles/<int:pk>/", roles.role_edit, name="role"),
    path("roles/<int:pk>/delete", roles.role_delete, name="role_delete"),
    path("policies", settings.policies, name="policies"),
    path("branding", settings.branding_page, name="branding"),
    path("audit/", audit.audit_page, name="audit"),
    path("audit/export.<str:kind>", audit.audit_export, name="audit_export"),
]
