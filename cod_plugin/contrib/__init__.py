"""Integrations of the plugin with store frameworks; the plugin itself never imports them."""
