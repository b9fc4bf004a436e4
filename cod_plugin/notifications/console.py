"""The default backend: messages go to the log, so a store without a provider still sees what would be sent."""

import logging

from . import Message

logger = logging.getLogger("cod_plugin.notifications")


class ConsoleBackend:
    def send(self, message: Message) -> str:
        logger.info(
            "%s to %s from %s [%s]: %s",
            message.channel.upper(),
            message.to,
            message.sender or "-",
            message.key,
            message.body,
        )
        return f"console:{message.key}"
