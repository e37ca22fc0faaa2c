"""``reconnect demo``: two believable vaults — a service user and her provider — paired through
a relay on this computer, so anyone can see both sides of ReConnect in one command.

``content.py`` holds what the service user has written (in the export format, dated relative
to today, in English and Norwegian), ``loopback.py`` runs a relay on 127.0.0.1 in a thread for
as long as the command runs, and ``build.py`` creates (or reuses) the vaults, pairs them, shares
a few items and exchanges a conversation with an agreement. Nothing here is special to the
demo inside the product: it uses the same import, pairing, sharing and messaging services as
everyone else.
"""
