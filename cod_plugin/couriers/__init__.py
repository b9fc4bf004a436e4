"""Couriers: signed status webhooks coming in, shipment bookings going out."""
