"""The sandbox store: channels, products, stock, checkouts, orders and bearer tokens."""
