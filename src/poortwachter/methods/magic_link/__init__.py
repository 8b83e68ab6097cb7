"""Sign-in method: a link by e-mail ("Inloggen met een link per e-mail").

The link is single use, valid for the organisation's `magic_link_minutes` (10), and works
only in the browser that asked for it: that browser holds a random nonce in its session,
the token holds the nonce's hash. Opening the link shows a confirmation button, so a mail
scanner that fetches links does not use it up. It proves only the mailbox, which the amr
says; the sign-in steps (second factor, expired password) still apply."""

AMR = "email"  # proves control of the mailbox only (PRODUCT: e-mail codes and magic links)
