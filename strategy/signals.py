"""What the strategy tells the apps that build on it, without knowing them."""

from django.dispatch import Signal

# Sent by load_strategy after the strategy and its rules are loaded: data is the rule
# file's content (a dict), so that an app can install its own defaults from it.
strategy_loaded = Signal()
