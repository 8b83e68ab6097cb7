"""Organisations (tenants): their status, policy and the middleware that resolves /<slug>/."""
