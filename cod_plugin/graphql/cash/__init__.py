"""The API of couriers' cash: remittances posted and read, cash in hand, exceptions resolved, an order's money."""
