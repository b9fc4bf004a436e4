"""Demo COD orders for ``make demo``: placed through the store's checkout and moved by the plugin's flows.

``story`` says which orders and what happened to each, ``shoppers`` who placed them and how, ``steps`` the flow each
step calls, ``clock`` when it all happened, and ``orders`` plays the story.
"""
