"""Version 1 of the terms of service, so every administrator accepts a version on first
entry to the console, before the operator published anything."""

from django.db import migrations

TEXT = """\
Gebruiksvoorwaarden

Deze omgeving wordt u aangeboden door de beheerder van deze Poortwachter-installatie. \
Als beheerder van uw organisatie beheert u de accounts van uw gebruikers zorgvuldig: u maakt \
alleen accounts aan voor personen die er recht op hebben, u blokkeert accounts die niet meer \
nodig zijn en u deelt geen wachtwoorden. U verwerkt persoonsgegevens van uw gebruikers \
volgens de AVG. Misbruik kan leiden tot het opschorten van de toegang van uw organisatie.

Terms of service

This environment is provided by the operator of this Poortwachter installation. As an \
administrator of your organisation you manage your users' accounts with care: you create \
accounts only for people entitled to them, you block accounts that are no longer needed and \
you do not share passwords. You process your users' personal data in accordance with the \
GDPR. Misuse may lead to your organisation's access being suspended.
"""


def create_version_1(apps, schema_editor):
    TermsVersion = apps.get_model("operators", "TermsVersion")
    if not TermsVersion.objects.exists():
        TermsVersion.objects.create(version=1, text=TEXT)


class Migration(migrations.Migration):
    dependencies = [("operators", "0002_operator")]

    operations = [migrations.RunPython(create_version_1, migrations.RunPython.noop)]
