

def test_operator_message_replaces_the_standard_text_of_a_blocked_state(db):
    from poortwachter.tenants.services import create_organisation, set_status
    from poortwachter.tenants.status import refusal

    organisation = create_organisation("msg", "Berichten BV", contact="help@example.org")
    set_status(organisation, "suspended", message="  Onderhoud tot   maandag. ")
    assert refusal(organisation) == "Onderhoud tot maandag. " + "Contact: help@example.org."
    set_status(organisation, "active")
    assert refusal(organisation) is None
    set_status(organisation, "suspended", message="")
    assert refusal(organisation).startswith("De toegang tot Berichten BV is voorlopig opgeschort.")
