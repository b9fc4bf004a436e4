"""The plugin's Django permissions, by the name that ``user.has_perm`` takes; the API and the admin check these."""

MANAGE_SETTINGS = "cod_plugin.manage_cod_settings"
MANAGE_ORDERS = "cod_plugin.manage_cod_orders"
HANDLE_REFUNDS = "cod_plugin.handle_cod_refunds"
