"""Cash on delivery for django-oscar: the host adapter, oscar statuses and stock following the COD lifecycle."""
