"""Cash on Delivery for Django stores."""
