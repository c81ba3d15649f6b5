"""Signals other apps listen to without identity importing them."""

from django.dispatch import Signal

# Sent by user_depart inside its transaction, before the generic hand-over of owner fields:
# apps that keep per-record history (customers' timeline) move their records themselves here.
# Arguments: actor, user (leaving), successor.
user_departing = Signal()
