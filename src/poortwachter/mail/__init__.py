"""E-mail that is never lost: messages are written to the outbox in the same transaction
as the action that causes them (`outbox.queue`), and the worker delivers them with retries
(`delivery`). Without SMTP (the embedded default) they stay readable at /_mail/."""
