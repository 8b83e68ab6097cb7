"""This part's `poortwachter` commands (cli.COMMAND_MODULES): apps (createapp, listapps,
rotatesecret, deleteapp), signing keys (rotatekeys), back-channel logouts
(deliverlogouts) and housekeeping (pruneoidc)."""

import json


def createapp(args) -> None:
    from django.core.exceptions import ValidationError

    from poortwachter.oidc.registration import create_app
    from poortwachter.security import audit
    from poortwachter.security.audit import Event
    from poortwachter.tenants.services import get_organisation

    organisation = get_organisation(args.organisation)
    jwks = None
    if args.jwks:
        try:
            with open(args.jwks, encoding="utf-8") as handle:
                jwks = json.load(handle)
        except (OSError, ValueError) as error:
            raise ValidationError(f"Kan de sleutels in {args.jwks} niet lezen: {error}")
    app, secret = create_app(organisation, args.name, kind=args.type, redirect_uris=args.redirect_uri or [],
                             post_logout_redirect_uris=args.post_logout_uri or [], allowed_scopes=args.scopes or "",
                             backchannel_logout_uri=args.backchannel_uri or "", client_id=args.client_id or "",
                             jwks=jwks, id_token_alg=args.id_token_alg)
    audit.record(Event.OIDC_APP_CREATED, organisation=organisation, subject_label=app.client_id, reason="cli")
    print(f"App aangemaakt: {app.name}")
    print(f"  client_id     {app.client_id}")
    if secret:
        print(f"  client_secret {secret}   (wordt maar één keer getoond)")
    print(f"  issuer        {_issuer(organisation)}")


def _issuer(organisation) -> str:
    from poortwachter.oidc.issuer import issuer

    return issuer(organisation)


def listapps(args) -> None:
    from poortwachter.oidc.models import App
    from poortwachter.tenants.services import get_organisation

    organisation = get_organisation(args.organisation)
    for app in App.objects.filter(organisation=organisation).order_by("name"):
        print(json.dumps({"client_id": app.client_id, "name": app.name, "type": app.kind,
                          "redirect_uris": app.redirect_uris, "post_logout_redirect_uris": app.post_logout_redirect_uris,
                          "scopes": app.allowed_scopes, "backchannel_logout_uri": app.backchannel_logout_uri},
                         ensure_ascii=False))


def rotatesecret(args) -> None:
    from poortwachter.oidc.registration import find_app, rotate_secret
    from poortwachter.security import audit
    from poortwachter.security.audit import Event
    from poortwachter.tenants.services import get_organisation

    organisation = get_organisation(args.organisation)
    app = find_app(organisation, args.client_id)
    secret = rotate_secret(app)
    audit.record(Event.OIDC_SECRET_ROTATED, organisation=organisation, subject_label=app.client_id, reason="cli")
    print(f"Nieuw geheim voor {app.name}: {secret}   (het oude werkt niet meer)")


def deleteapp(args) -> None:
    from poortwachter.oidc.registration import find_app
    from poortwachter.security import audit
    from poortwachter.security.audit import Event
    from poortwachter.tenants.services import get_organisation

    organisation = get_organisation(args.organisation)
    app = find_app(organisation, args.client_id)
    app.delete()
    audit.record(Event.OIDC_APP_DELETED, organisation=organisation, subject_label=args.client_id, reason="cli")
    print(f"App verwijderd: {app.name}")


def rotatekeys(args) -> None:
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from poortwachter.oidc import keys
    from poortwachter.security import audit
    from poortwachter.security.audit import Event
    from poortwachter.tenants.models import Organisation
    from poortwachter.tenants.services import get_organisation

    if args.overlap_hours < 0:
        raise ValidationError("--overlap-hours kan niet negatief zijn.")
    organisations = [get_organisation(args.organisation)] if args.organisation else list(Organisation.objects.all())
    for organisation in organisations:
        created = keys.rotate(organisation, timedelta(hours=args.overlap_hours))
        audit.record(Event.OIDC_KEYS_ROTATED, organisation=organisation, reason="cli")
        kids = ", ".join(f"{k.alg} {k.kid}" for k in created)
        print(f"{organisation.slug}: nieuwe sleutel(s) {kids}; de oude blijven {args.overlap_hours} uur in de JWKS.")


def deliverlogouts(args) -> None:
    from poortwachter.oidc.backchannel import deliver_due

    print(f"Afgeleverd: {deliver_due()} back-channel-afmelding(en).")


def pruneoidc(args) -> None:
    from poortwachter.oidc.housekeeping import prune

    counts = prune()
    print("Opgeruimd: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")


def add_commands(sub) -> None:
    s = sub.add_parser("createapp", help="register an OpenID Connect app of an organisation")
    s.add_argument("organisation")
    s.add_argument("name")
    s.add_argument("--type", default="confidential", choices=["public", "confidential", "machine"])
    s.add_argument("--redirect-uri", action="append", help="exact redirect URI; may be repeated")
    s.add_argument("--post-logout-uri", action="append", help="post-logout redirect URI; may be repeated")
    s.add_argument("--scopes", help="allowed scopes, space separated (default: openid profile email roles offline_access)")
    s.add_argument("--backchannel-uri", help="back-channel logout URI")
    s.add_argument("--client-id", help="choose the client_id (default: random)")
    s.add_argument("--jwks", help="file with the app's public keys (JWK Set) for private_key_jwt")
    s.add_argument("--id-token-alg", default="ES256", choices=["ES256", "RS256"])
    s.set_defaults(run=createapp)

    s = sub.add_parser("listapps", help="list an organisation's apps as JSON lines")
    s.add_argument("organisation")
    s.set_defaults(run=listapps)

    s = sub.add_parser("rotatesecret", help="give an app a new client secret (the old one stops working)")
    s.add_argument("organisation")
    s.add_argument("client_id")
    s.set_defaults(run=rotatesecret)

    s = sub.add_parser("deleteapp", help="delete an app and every token issued to it")
    s.add_argument("organisation")
    s.add_argument("client_id")
    s.set_defaults(run=deleteapp)

    s = sub.add_parser("rotatekeys", help="new signing keys; the old stay in the JWKS for the overlap")
    s.add_argument("organisation", nargs="?", help="organisation short name (default: every organisation)")
    s.add_argument("--overlap-hours", type=int, default=48, help="hours the old public keys stay published (default 48)")
    s.set_defaults(run=rotatekeys)

    s = sub.add_parser("deliverlogouts", help="deliver back-channel logouts that are due (the worker does this)")
    s.set_defaults(run=deliverlogouts)

    s = sub.add_parser("pruneoidc", help="delete codes, tokens and grants that can no longer be used")
    s.set_defaults(run=pruneoidc)
