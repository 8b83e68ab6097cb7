"""Reminders by e-mail for people who lost their way in: "Gebruikersnaam vergeten?" (the
usernames of an address in one organisation) and "Welke website moet ik gebruiken?" (the
sign-in pages of every organisation where an address has an account). The pages answer the
same whether or not the address is known; the worker looks it up (`flow`)."""
