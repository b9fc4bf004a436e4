"""The screening in the API: an order's risk for staff (``codOrder { risk }``) and the deposit a checkout asks for
(``codEligibility { deposit }``)."""
