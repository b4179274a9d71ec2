"""Signed webhooks: endpoints outside systems register, the outbox rows written with each event,
and their delivery with retries.

`targets` checks where an endpoint may point, `signing` signs bodies and keeps endpoint secrets
encrypted, `endpoints` creates, lists and deletes endpoints, `outbox` turns the certificate
signals into deliveries in the same transaction, `delivery` sends what is due.
"""
