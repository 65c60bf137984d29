"""kombu's filesystem transport (the broker that needs no server), writing messages atomically.

kombu creates a message's file under its final name and then writes it, so a worker polling the
folder can take the file while it is still empty and lose the message (about one in ten under a
busy producer here). This transport writes a hidden part file and renames it into place, so a
worker only ever sees whole messages. Everything else is kombu's.
"""

import os
import uuid
from contextlib import suppress
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class FilesystemChannel(filesystem.Channel):
    # The signature of kombu's filesystem.Channel._put, which celery-types' stubs find
    # incompatible with their own AbstractChannel._put (kombu passes both arguments by position).
    def _put(  # type: ignore[override]
        self, queue: str, payload: dict[str, Any], **kwargs: Any
    ) -> None:
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: kombu reads only names whose part after the first dot is "<queue>.msg".
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            with suppress(OSError):
                os.unlink(partial)
            # The folder and the cause (permission denied, read-only, no space), for the log and
            # for the outbox messages left waiting: it is the administrator's to fix.
            raise ChannelError(
                f"Cannot write to the broker folder {self.data_folder_out}: {error.strerror}"
            ) from error


class FilesystemTransport(filesystem.Transport):
    Channel = FilesystemChannel
