"""Webhooks for employers: signed event deliveries to their own systems, retried by RQ."""
