"""The operator's pages (`/_operator/`) and commands: organisations, their status, the
outbox, the terms of service. Operator accounts are kept apart from organisation users."""
