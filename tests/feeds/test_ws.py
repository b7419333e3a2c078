"""The feeds' WebSocket listener against a picows server on loopback: fragmented messages are
reassembled, server pings are answered, a close frame closes, the messages of one read arrive in
order, and a peer that stops answering pings is disconnected after the heartbeat."""

from __future__ import annotations

import asyncio

import picows

from lab.feeds.base import MessageQueue
from lab.feeds.ws import CLOSED, connect

TEXT, CONT, PING = picows.WSMsgType.TEXT, picows.WSMsgType.CONTINUATION, picows.WSMsgType.PING


class Server(picows.WSListener):
    """Sends what ``script`` says on connection; records the frames it receives."""

    script = ()
    received: list = []
    answer = False  # answer pings by hand (picows' own auto pong hides them)

    def on_ws_connected(self, transport) -> None:
        for kind, payload, fin in self.script:
            if kind == "close":
                transport.send_close(picows.WSCloseCode.OK)
            else:
                transport.send(kind, payload, fin=fin)

    def on_ws_frame(self, transport, frame) -> None:
        Server.received.append((frame.msg_type, frame.get_payload_as_bytes()))
        if Server.answer and frame.msg_type == PING:
            transport.send_pong(frame.get_payload_as_bytes())


async def _session(script, heartbeat=10.0, auto_pong=True, wait=5.0, answer=False) -> list:
    Server.script, Server.received, Server.answer = script, [], answer
    server = await picows.ws_create_server(
        lambda _req: Server(), "127.0.0.1", 0, enable_auto_pong=auto_pong
    )
    port = server.sockets[0].getsockname()[1]
    queue = MessageQueue(1000)
    transport = await connect(f"ws://127.0.0.1:{port}/", queue, heartbeat)
    items: list = []
    try:
        async with asyncio.timeout(wait):
            while CLOSED not in items:
                items += await queue.get_many(1000)
    except TimeoutError:
        pass
    finally:
        transport.disconnect()
        server.close()
    return items


def test_fragments_pings_and_close():
    script = [
        (TEXT, b"one", True),
        (TEXT, b'{"a":', False),  # a message in three frames, a ping in between (RFC 6455 5.4)
        (CONT, b"1,", False),
        (PING, b"are you there", True),
        (CONT, b'"b":2}', True),
        (TEXT, b"three", True),
        ("close", None, None),
    ]
    items = asyncio.run(_session(script))
    assert items == [b"one", b'{"a":1,"b":2}', b"three", CLOSED]
    assert (picows.WSMsgType.PONG, b"are you there") in Server.received
    assert any(kind == picows.WSMsgType.CLOSE for kind, _ in Server.received)


def test_a_peer_that_stops_answering_pings_is_disconnected():
    items = asyncio.run(_session([(TEXT, b"hello", True)], heartbeat=0.2, auto_pong=False))
    assert items == [b"hello", CLOSED]  # well within the 5 s wait
    assert any(kind == picows.WSMsgType.PING for kind, _ in Server.received)


def test_a_peer_that_answers_stays_connected():
    items = asyncio.run(
        _session([(TEXT, b"hello", True)], heartbeat=0.2, auto_pong=False, wait=1.0, answer=True)
    )
    assert items == [b"hello"]  # pinged several times, answered, still open
    assert sum(kind == PING for kind, _ in Server.received) >= 2
