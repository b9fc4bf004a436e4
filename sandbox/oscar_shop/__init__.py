"""A django-oscar shop with the COD plugin: the host of the oscar tests and of `make demo-oscar`."""
