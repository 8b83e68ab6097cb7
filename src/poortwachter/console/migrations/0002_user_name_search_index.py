"""An index for the console's name search: (organisation, LOWER(name)), so "the start of
a name" is a range on an index instead of a scan of every user of the organisation
(bench/console_list.py). It lives on accounts' table but is the console's need, so the
console's migration makes it; the same SQL works on SQLite and PostgreSQL."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_initial"),
        ("accounts", "0004_second_step_and_console_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS console_user_name_search ON accounts_user (organisation_id, LOWER(name))",
            "DROP INDEX IF EXISTS console_user_name_search",
        ),
    ]
