"""Lists, files and streams on the wire (fixture spec tests/fixtures/shapes.yaml), on a loopback server:
event streams, downloads, `with_streaming_response`, `Accept`, form and multipart bodies."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from conftest import generate_fixture, import_generated, mypy_strict
from loopback import Recorded, Reply

SSE = {"Content-Type": "text/event-stream"}


@pytest.fixture(scope="session")
def shapes_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_fixture(tmp_path_factory, "shapes.yaml", "shapes")


@pytest.fixture
def shapes(shapes_output):
    return import_generated(shapes_output, "shapes")


def held_stream(first: bytes, gate: threading.Event, rest: bytes):
    """Chunks that stop after `first` until the test opens `gate`: proves events arrive one by one."""
    yield first
    assert gate.wait(10), "the client never read the first event"
    yield rest


def test_events_arrive_as_sent_and_end_at_the_marker(shapes, server):
    gate = threading.Event()
    server.reply(Reply(200, headers=SSE, chunks=held_stream(
        b'data: {"index": 0, "text": "Hel"}\n\n', gate,
        b'data: {"index": 1, "text": "lo"}\n\ndata: [DONE]\n\ndata: {"index": 2, "text": "after"}\n\n')))
    with shapes.Client(base_url=server.url) as client:
        stream = client.chat.stream_completion(body={"prompt": "hi"})
        assert isinstance(stream, shapes.Stream)
        received = []
        for chunk in stream:
            received.append(chunk)
            gate.set()  # the second event is only sent once the first one has been read
    assert [(c.index, c.text) for c in received] == [(0, "Hel"), (1, "lo")]
    assert type(received[0]).__name__ == "Chunk"
    assert server.requests[0].headers["accept"] == "text/event-stream"
    assert server.requests[0].json() == {"prompt": "hi"}


async def test_async_events_arrive_as_sent(shapes, server):
    gate = threading.Event()
    server.reply(Reply(200, headers=SSE, chunks=held_stream(
        b'data: {"index": 0, "text": "a"}\n\n', gate, b'data: {"index": 1, "text": "b"}\n\ndata: [DONE]\n\n')))
    async with shapes.AsyncClient(base_url=server.url) as client:
        stream = await client.chat.stream_completion(body={"prompt": "hi"})
        assert isinstance(stream, shapes.AsyncStream)
        received = []
        async with stream:
            async for chunk in stream:
                received.append(chunk.text)
                gate.set()
    assert received == ["a", "b"]


FRAMED = [
    b": a comment the server sends to keep the line open\r\n",
    b"retry: 3000\r\nid: 1\r\nevent: line\r\ndata: first\r\ndata: second\r",  # a CR at the end of a chunk
    b"\n\r\n",
    b"data:no space\rid: 2\r\r",  # CR line ends
    b"data: {\"a\": 1}\n",
    b"\n",
    b"id\n: ignored\nretry: soon\ndata\n\n",  # a field with no colon; a bad retry is ignored
    b"data: never dispatched",  # no blank line before the end: discarded
]


def expected_framing(events):
    return [(e.event, e.data, e.id, e.retry) for e in events] == [
        ("line", "first\nsecond", "1", 3000),
        (None, "no space", "2", 3000),
        (None, '{"a": 1}', "2", 3000),
        (None, "", "", 3000),
    ]


def test_event_framing_follows_the_eventsource_rules(shapes, server):
    server.reply(Reply(200, headers=SSE, chunks=iter(FRAMED)))
    with shapes.Client(base_url=server.url) as client:
        events = list(client.chat.tail_log())
    assert expected_framing(events)
    assert all(isinstance(e, shapes.ServerSentEvent) for e in events)
    assert events[2].json() == {"a": 1}


async def test_async_event_framing(shapes, server):
    server.reply(Reply(200, headers=SSE, chunks=iter(FRAMED)))
    async with shapes.AsyncClient(base_url=server.url) as client:
        events = [e async for e in await client.chat.tail_log()]
    assert expected_framing(events)


def test_schema_of_whole_events_gets_event_id_and_parsed_data(shapes, server):
    server.reply(Reply(200, headers=SSE, chunks=iter([
        b'event: job\nid: 7\ndata: {"id": "j1", "state": "running"}\n\n',
        b'event: job\nid: 8\ndata: {"id": "j1", "state": "done"}\n\n',
    ])))
    with shapes.Client(base_url=server.url) as client:
        with client.chat.watch_jobs() as stream:
            events = list(stream)
    assert [(e.event, e.id, e.data.state) for e in events] == [("job", "7", "running"), ("job", "8", "done")]


def endless_events(count: int = 500):
    for index in range(count):
        yield b'data: {"index": %d, "text": "x"}\n\n' % index
        time.sleep(0.01)


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_leaving_the_loop_early_closes_the_connection(shapes, server):
    server.reply(Reply(200, headers=SSE, chunks=endless_events()))
    with shapes.Client(base_url=server.url) as client:
        for chunk in client.chat.stream_completion(body={"prompt": "hi"}):
            if chunk.index == 2:
                break
        assert wait_for(lambda: server.aborted_streams == 1), "the server kept sending to a closed loop"


async def test_async_leaving_the_loop_early_closes_the_connection(shapes, server):
    import asyncio

    server.reply(Reply(200, headers=SSE, chunks=endless_events()))
    async with shapes.AsyncClient(base_url=server.url) as client:
        async for chunk in await client.chat.stream_completion(body={"prompt": "hi"}):
            if chunk.index == 2:
                break
        for _ in range(250):
            await asyncio.sleep(0.02)
            if server.aborted_streams:
                break
    assert server.aborted_streams == 1


def test_an_error_status_raises_before_any_event(shapes, server):
    server.reply(Reply(422, {"detail": "prompt is empty"}))
    with shapes.Client(base_url=server.url, max_retries=0) as client:
        with pytest.raises(shapes.errors.ApiError) as caught:
            client.chat.stream_completion(body={"prompt": ""})
    assert caught.value.status_code == 422
    assert caught.value.body.detail == "prompt is empty"


def test_downloads_are_bytes_and_text_is_str_with_the_declared_accept(shapes, server):
    server.reply(Reply(200, b"\x00\x01binary"), Reply(200, b"%PDF-1.7", {"Content-Type": "application/pdf"}),
                 Reply(200, "plain text \u00e9", {"Content-Type": "text/plain; charset=utf-8"}),
                 Reply(200, ["r1"]))
    with shapes.Client(base_url=server.url) as client:
        assert client.files.download_file("f1") == b"\x00\x01binary"
        assert client.files.get_report("f1") == b"%PDF-1.7"
        assert client.files.get_summary("f1") == "plain text \u00e9"
        assert client.forms.search(body={"q": "x"}) == ["r1"]
    accepts = [r.headers["accept"] for r in server.requests]
    assert accepts == ["application/octet-stream", "application/pdf", "text/plain", "application/json"]


def test_a_client_wide_accept_header_wins(shapes, server):
    server.reply(Reply(200, b"data"))
    with shapes.Client(base_url=server.url, headers={"Accept": "*/*"}) as client:
        client.files.download_file("f1")
    assert server.requests[0].headers["accept"] == "*/*"


def test_streaming_response_reads_the_body_as_asked(shapes, server):
    body = b"line one\nline two\n" + bytes(range(256)) * 1000
    server.reply(Reply(200, chunks=iter([body[:10], body[10:]])), Reply(200, chunks=iter([body])),
                 Reply(200, chunks=iter([b"a\nb\r\nc"])))
    with shapes.Client(base_url=server.url) as client:
        with client.files.with_streaming_response.download_file("f1") as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/octet-stream"
            assert b"".join(response.iter_bytes()) == body
        assert response.http_response.is_closed
        with client.files.with_streaming_response.download_file("f1") as response:
            assert response.parse() == body
        with client.files.with_streaming_response.get_summary("f1") as response:
            assert list(response.iter_lines()) == ["a", "b", "c"]


def test_streaming_response_raises_the_error_before_the_block_runs(shapes, server):
    server.reply(Reply(404, {"detail": "no such file"}))
    entered = False
    with shapes.Client(base_url=server.url) as client:
        with pytest.raises(shapes.errors.NotFoundError) as caught:
            with client.files.with_streaming_response.download_file("missing"):
                entered = True
    assert not entered
    assert caught.value.body.detail == "no such file"


async def test_async_streaming_response(shapes, server):
    server.reply(Reply(200, chunks=iter([b"abc", b"def"])), Reply(404, {"detail": "gone"}), Reply(200, b"xyz"))
    async with shapes.AsyncClient(base_url=server.url) as client:
        async with client.files.with_streaming_response.download_file("f1") as response:
            chunks = [chunk async for chunk in response.iter_bytes()]
        assert b"".join(chunks) == b"abcdef"
        assert response.http_response.is_closed
        with pytest.raises(shapes.errors.NotFoundError):
            async with client.files.with_streaming_response.download_file("f2"):
                pytest.fail("the block must not run on an error status")
        async with client.files.with_streaming_response.download_file("f3") as response:
            assert await response.read() == b"xyz"


def test_raw_response_of_an_event_stream_parses_into_a_stream(shapes, server):
    server.reply(Reply(200, headers=SSE, chunks=iter([b'data: {"index": 0, "text": "a"}\n\ndata: [DONE]\n\n'])))
    with shapes.Client(base_url=server.url) as client:
        raw = client.chat.with_raw_response.stream_completion(body={"prompt": "p"})
        assert raw.status_code == 200
        assert [c.text for c in raw.parse()] == ["a"]


DOWNLOAD_MB = 200
MEMORY_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    import shapes

    def rss_kib(field):
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

    with shapes.Client(base_url=sys.argv[2]) as client:
        with client.files.with_streaming_response.download_file("warm-up") as response:
            response.read()  # every lazy import done before measuring
        before = rss_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # the peak (VmHWM) counts from here
        written = 0
        with open(sys.argv[3], "wb") as out:
            if sys.argv[4] == "streaming":
                with client.files.with_streaming_response.download_file("big") as response:
                    for chunk in response.iter_bytes():
                        written += out.write(chunk)
            else:
                written += out.write(client.files.download_file("big"))
        print(written, rss_kib("VmHWM") - before)
""")


def big_download():
    chunk = b"\xab" * (1024 * 1024)
    for _ in range(DOWNLOAD_MB):
        yield chunk


def measure_download(shapes_output: Path, server, tmp_path: Path, how: str) -> tuple[int, float]:
    server.reply(Reply(200, b"small"), Reply(200, chunks=big_download()))
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(shapes_output), server.url, str(tmp_path / "out.bin"), how],
        capture_output=True, text=True, timeout=120, check=True,
    )
    written, growth_kib = result.stdout.split()
    return int(written), int(growth_kib) / 1024


def test_a_200_mb_download_streams_in_constant_memory(shapes_output, server, tmp_path):
    written, growth_mib = measure_download(shapes_output, server, tmp_path, "streaming")
    assert written == DOWNLOAD_MB * 1024 * 1024
    assert growth_mib < 50, f"peak memory grew by {growth_mib:.0f} MiB while streaming"
    # The same download through the plain method holds the whole body: the measurement can tell.
    written, buffered_mib = measure_download(shapes_output, server, tmp_path, "buffered")
    assert written == DOWNLOAD_MB * 1024 * 1024 and buffered_mib > DOWNLOAD_MB * 0.9


def test_form_bodies_follow_the_encoding_rules(shapes, server):
    server.reply(Reply(200, []), Reply(200, []))
    with shapes.Client(base_url=server.url) as client:
        client.forms.search(body={
            "q": "a b&c", "tags": ["x", "y"], "fields": ["id", "name"],
            "filter": {"state": "open", "owner": {"id": 1}}, "exact": True, "limit": 5,
            "extra": {"k": [1, 2]}, "ignored": None,
        })
        from shapes.models import SearchForm

        client.forms.search(body=SearchForm(q="m", exact=False, tags=["t"]))
    first, second = server.requests
    assert first.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(first.body.decode(), keep_blank_values=True) == [
        ("q", "a b&c"), ("tags", "x"), ("tags", "y"), ("fields", "id,name"),
        ("filter[state]", "open"), ("filter[owner][id]", "1"), ("exact", "true"), ("limit", "5"),
        ("extra", '{"k":[1,2]}'),
    ]
    assert parse_qsl(second.body.decode()) == [("q", "m"), ("tags", "t"), ("exact", "false")]  # field order


def multipart_parts(recorded: Recorded) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, content type or None, bytes) of each part, in order."""
    from email.parser import BytesParser
    from email.policy import HTTP

    head = b"Content-Type: " + recorded.headers["content-type"].encode() + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head + recorded.body)
    return [
        (part.get_param("name", header="content-disposition"), part.get_filename(),
         part.get_content_type() if part["content-type"] else None, part.get_payload(decode=True))
        for part in message.iter_parts()
    ]


def test_multipart_sends_files_text_and_json_parts(shapes, server, tmp_path):
    on_disk = tmp_path / "scan.png"
    on_disk.write_bytes(b"\x89PNG disk")
    server.reply(Reply(201, {"id": "s1", "size": 3}))
    with shapes.Client(base_url=server.url) as client:
        stored = client.files.upload_file(body={
            "file": ("report.csv", b"a,b\n1,2\n", "text/csv"),
            "attachments": [b"raw", on_disk, io.BytesIO(b"buffer")],
            "note": "hello", "tags": ["x", "y"], "metadata": {"k": 1}, "public": False,
        })
    assert stored.id == "s1"
    assert multipart_parts(server.requests[0]) == [
        ("file", "report.csv", "text/csv", b"a,b\n1,2\n"),
        ("attachments", "upload", "image/png", b"raw"),
        ("attachments", "scan.png", "image/png", b"\x89PNG disk"),
        ("attachments", "upload", "image/png", b"buffer"),
        ("note", None, None, b"hello"),
        ("tags", None, None, b"x"),
        ("tags", None, None, b"y"),
        ("metadata", None, "application/json", b'{"k":1}'),
        ("public", None, None, b"false"),
    ]


async def test_async_multipart_from_a_path_is_read_again_on_retry(shapes, server, tmp_path):
    on_disk = tmp_path / "data.bin"
    on_disk.write_bytes(b"0123456789" * 1000)
    server.reply(Reply(429, {"detail": "slow down"}, {"Retry-After": "0"}), Reply(201, {"id": "s2", "size": 1}))
    async with shapes.AsyncClient(base_url=server.url) as client:
        await client.files.upload_file(body={"file": on_disk})
    assert len(server.requests) == 2
    for recorded in server.requests:
        assert multipart_parts(recorded) == [("file", "data.bin", "application/octet-stream", on_disk.read_bytes())]


def test_shapes_package_type_checks_with_streams_typed(shapes_output, tmp_path):
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent("""
        from shapes import AsyncClient, Client, ServerSentEvent
        from pathlib import Path
        from typing import Any

        from shapes.models import Chunk, JobEvent, SearchForm, Upload


        def sync_use(client: Client) -> list[str]:
            texts = [chunk.text for chunk in client.chat.stream_completion(body={"prompt": "p"})]
            texts += [chunk.text for chunk in client.chat.generate_text(body={"prompt": "p"})]
            lines: list[Any] = list(client.chat.generate_raw())
            jobs: list[JobEvent] = list(client.chat.watch_jobs())
            raw: list[ServerSentEvent] = list(client.chat.tail_log())
            data: bytes = client.files.download_file("f")
            text: str = client.files.get_summary("f")
            with client.files.with_streaming_response.download_file("f") as response:
                for piece in response.iter_bytes():
                    data += piece
                parsed: bytes = response.parse()
            stored = client.files.upload_file(body=Upload(file=b"data", note="typed"))
            client.files.upload_file(body=Upload(file=Path("a.png"), attachments=[("b.csv", b"1,2", "text/csv")]))
            found: list[str] = client.forms.search(body=SearchForm(q="x"))
            return texts + [j.data.state for j in jobs] + [e.data for e in raw] + [text, str(parsed), stored.id] + found


        async def async_use(client: AsyncClient) -> list[Chunk]:
            stream = await client.chat.stream_completion(body={"prompt": "p"})
            chunks = [chunk async for chunk in stream]
            async with client.files.with_streaming_response.download_file("f") as response:
                async for piece in response.iter_bytes():
                    chunks.append(Chunk(index=len(piece), text=""))
            return chunks
    """))
    result = mypy_strict(shapes_output, usage, shapes_output / "shapes")
    assert result.returncode == 0, result.stdout + result.stderr


def test_streaming_forms_and_drift_load_only_when_used(shapes_output):
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import shapes
        client = shapes.Client(base_url="http://127.0.0.1:9")
        client.chat, client.files
        print(sorted(m for m in ("shapes._streaming", "shapes._forms", "shapes._drift") if m in sys.modules))
        shapes.Stream  # a public name: loads its module on first use
        print("shapes._streaming" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script, str(shapes_output)], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True"]


def test_a_multipart_body_model_sends_its_fields(shapes, server):
    server.reply(Reply(201, {"id": "s3", "size": 4}))
    from shapes.models import Upload

    with shapes.Client(base_url=server.url) as client:
        client.files.upload_file(body=Upload(file=b"data", tags=["a"], public=True))
    assert multipart_parts(server.requests[0]) == [
        ("file", "upload", "application/octet-stream", b"data"),
        ("tags", None, None, b"a"),
        ("public", None, None, b"true"),
    ]


def test_an_event_the_spec_does_not_describe_comes_through_unless_strict(shapes, server, caplog):
    import logging

    caplog.set_level(logging.WARNING)
    events = [b'data: {"index": "first", "text": "a", "extra": 1}\n\ndata: [DONE]\n\n']
    server.reply(Reply(200, headers=SSE, chunks=iter(events)), Reply(200, headers=SSE, chunks=iter(events)))
    with shapes.Client(base_url=server.url) as client:
        [chunk] = list(client.chat.stream_completion(body={"prompt": "p"}))
        assert (chunk.index, chunk.text, chunk.model_extra) == ("first", "a", {"extra": 1})
        with pytest.raises(shapes.errors.ResponseValidationError):
            list(client.chat.stream_completion(body={"prompt": "p"}, strict=True))
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "stream_completion" in warning.getMessage() and "index" in warning.getMessage()


def test_json_lines_stream_one_item_per_line_as_they_arrive(shapes, server):
    gate = threading.Event()
    server.reply(Reply(200, headers={"Content-Type": "application/x-ndjson"}, chunks=held_stream(
        b'{"index": 0, "text": "a"}\n', gate, b'\n{"index": 1, "text": "b"}\n{"index": 2, "te')),
        Reply(200, headers={"Content-Type": "application/x-ndjson"}, chunks=iter([b'{"a": 1}\n[2]\n"three"'])))
    # The last line is cut off: the stream ends with what could not be a whole document.
    with shapes.Client(base_url=server.url) as client:
        received = []
        with pytest.raises(shapes.errors.ResponseValidationError):
            for chunk in client.chat.generate_text(body={"prompt": "p"}):
                received.append(chunk.text)
                gate.set()
        assert received == ["a", "b"]
        assert list(client.chat.generate_raw()) == [{"a": 1}, [2], "three"]
    assert server.requests[0].headers["accept"] == "application/x-ndjson"


async def test_async_json_lines(shapes, server):
    server.reply(Reply(200, headers={"Content-Type": "application/x-ndjson"},
                       chunks=iter([b'{"index": 0, "text": "a"}\n{"index"', b': 1, "text": "b"}\n'])))
    async with shapes.AsyncClient(base_url=server.url) as client:
        assert [c.text async for c in await client.chat.generate_text(body={"prompt": "p"})] == ["a", "b"]


def test_a_multipart_model_takes_files_of_every_kind(shapes, server, tmp_path):
    on_disk = tmp_path / "photo.png"
    on_disk.write_bytes(b"\x89PNG")
    server.reply(Reply(201, {"id": "s4", "size": 4}))
    from shapes.models import Upload

    with shapes.Client(base_url=server.url) as client:
        client.files.upload_file(body=Upload(file=on_disk, attachments=[io.BytesIO(b"buf"), ("n.txt", b"text")]))
    assert multipart_parts(server.requests[0]) == [
        ("file", "photo.png", "image/png", b"\x89PNG"),  # guessed from the file name
        ("attachments", "upload", "image/png", b"buf"),
        ("attachments", "n.txt", "image/png", b"text"),
    ]
