"""The store-admin screens for COD, on django.contrib.admin."""
