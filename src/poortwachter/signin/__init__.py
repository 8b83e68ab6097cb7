"""The sign-in flow: identify -> one method -> steps -> finish; sign-out; sessions."""
