"""A file upload that refuses files over the size cap in the browser, before sending them.

Panel's ``FileInput`` sends a file whole, base64-encoded, in one websocket message; Bokeh's
server closes the connection on a message over its ``websocket_max_message_size`` (20 MiB by
default), so a large file used to drop the session with no message. :class:`UploadInput`
checks the size in the browser against :data:`lab.data.io.MAX_FILE_BYTES` (the cap
:func:`lab.data.read_prices` applies) and reports a refusal to Python instead of sending the
file; ``arblab serve`` sets ``websocket_max_message_size`` to :func:`websocket_max_bytes`, so
every file under the cap arrives.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import param
from panel.reactive import ReactiveHTML

from lab.data.io import MAX_FILE_BYTES


def websocket_max_bytes(max_file_bytes: int = MAX_FILE_BYTES) -> int:
    """Websocket message size that carries a file of ``max_file_bytes`` (base64 plus 1 MiB
    for the message around it)."""
    return 4 * math.ceil(max_file_bytes / 3) + 2**20


class UploadInput(ReactiveHTML):
    """``<input type=file>`` with a size cap checked in the browser.

    After a file is picked, either :attr:`value` and :attr:`filename` are set (the file's
    bytes), or, for a file over :attr:`max_bytes`, :attr:`refused` is set to
    ``{"name": ..., "size": ...}`` and nothing is sent.
    """

    accept = param.String(default="", doc="Accepted extensions, e.g. '.csv,.parquet'.")
    max_bytes = param.Integer(default=MAX_FILE_BYTES, bounds=(1, None), doc="Size cap (bytes).")
    filename = param.String(default="", doc="Name of the last file received.")
    value = param.Bytes(default=None, allow_None=True, precedence=-1, doc="Its bytes.")
    refused = param.Dict(default=None, allow_None=True, doc="The last file refused for size.")
    _picked = param.Dict(
        default=None,
        allow_None=True,
        doc="Name, size and base64 ``payload`` of the picked file (browser to Python, in one "
        "message so that the parts cannot be processed out of order).",
    )

    _template = (
        '<input id="input" type="file" class="arb-upload-input" accept="${accept}" '
        'style="width: 100%" onchange="${script(\'pick\')}"></input>'
    )

    _scripts = {
        "pick": """
          const file = input.files[0];
          if (!file) return;
          const picked = {name: file.name, size: file.size, at: Date.now()};
          if (file.size > data.max_bytes) {
            data._picked = Object.assign(picked, {refused: true});
            input.value = '';
            return;
          }
          const reader = new FileReader();
          reader.onload = () => {
            const url = reader.result;
            data._picked = Object.assign(picked, {
              refused: false, payload: url.slice(url.indexOf(',') + 1)});
            input.value = '';
          };
          reader.readAsDataURL(file);
        """,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.param.watch(self._on_picked, "_picked")

    def _on_picked(self, event: param.parameterized.Event) -> None:
        picked = event.new
        if not picked:
            return
        with param.parameterized.discard_events(self):
            self._picked = None  # the payload is not kept
        name, size = str(picked.get("name", "")), int(picked.get("size", 0))
        if picked.get("refused") or size > self.max_bytes:
            self.refused = {"name": name, "size": size}
            return
        payload = picked.get("payload") or ""
        if len(payload) > websocket_max_bytes(self.max_bytes):
            self.refused = {"name": name, "size": len(payload) * 3 // 4}
            return
        data = base64.b64decode(payload)
        if len(data) > self.max_bytes:  # a client that skipped the browser check
            self.refused = {"name": name, "size": len(data)}
            return
        self.refused = None
        with param.parameterized.discard_events(self):
            self.param.update(filename=name, value=data)
        self.param.trigger("value")  # also when the same file is picked again
