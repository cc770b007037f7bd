"""Developer tools: the offline sandbox and the README's pictures.

Nothing here is part of the running bot, which never imports this package: ``python -m bot
sandbox`` loads it only for that subcommand. These modules drive the real bot from outside,
through SimCord (a development dependency), the way a person or a test would.
"""
