"""`x-pagination`: `<method>_with_pagination` walks every page lazily, sync and async, in each style.

Against a real HTTP server on loopback, with a fixture spec (tests/fixtures/paged) holding each style:
offset, page number from pageStart, cursor in the query, limit and cursor in a POST body, cursor with no
page size. Datadog's recorded paged walk is replayed in test_cassettes.py.
"""

from __future__ import annotations

import importlib
import json
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, import_generated, mypy_strict
from loopback import Recorded, Reply

from clientsmith.cli import main

ITEMS = [{"id": f"i{n}", "name": f"item {n}"} for n in range(7)]


@pytest.fixture(scope="module")
def paged_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("paged")
    assert main(["generate", "--no-cache", "--spec", str(FIXTURES / "paged"), "--package", "paged",
                 "--output", str(out)]) == 0
    return out


@pytest.fixture
def paged(paged_package):
    return import_generated(paged_package, "paged")


@pytest.fixture
def models(paged):
    return importlib.import_module("paged.models")


async def collect(iterator):
    """The items of a sync iterator or an async one (which must be used with `async for`)."""
    if hasattr(iterator, "__aiter__"):
        return [item async for item in iterator]
    return list(iterator)


@pytest.fixture(params=["sync", "async"])
def paginate(request, paged, server):
    """`await paginate("items", "list_offset_items_with_pagination", ...)`: every item, sync or async client."""
    async def run(resource, method, *args, **kwargs):
        if request.param == "async":
            async with paged.AsyncClient(base_url=server.url, max_retries=0) as client:
                return await collect(getattr(getattr(client, resource), method)(*args, **kwargs))
        with paged.Client(base_url=server.url, max_retries=0) as client:
            return await collect(getattr(getattr(client, resource), method)(*args, **kwargs))
    return run


# -- each style on the fixture spec -------------------------------------------------------------


def query(request: Recorded) -> dict[str, str]:
    return dict(request.query)


def ids(items) -> list[str]:
    return [item.id for item in items]


def offset_pages(request: Recorded) -> Reply:
    size, offset = int(query(request)["page[size]"]), int(query(request).get("page[offset]", 0))
    return Reply(200, {"data": ITEMS[offset:offset + size]})


async def test_offset_style_stops_at_a_page_shorter_than_the_limit(paginate, models, server):
    server.handler = offset_pages
    items = await paginate("items", "list_offset_items_with_pagination", q="x")  # page size: the spec's default, 3
    assert ids(items) == [item["id"] for item in ITEMS]
    assert all(isinstance(item, models.Item) for item in items)
    assert [query(r) for r in server.requests] == [
        {"q": "x", "page[size]": "3"},
        {"q": "x", "page[size]": "3", "page[offset]": "3"},
        {"q": "x", "page[size]": "3", "page[offset]": "6"},  # one item: shorter than 3, the walk ends
    ]


async def test_offset_style_stops_at_an_empty_page(paginate, server):
    server.handler = offset_pages
    items = await paginate("items", "list_offset_items_with_pagination", page_size=7)
    assert ids(items) == [item["id"] for item in ITEMS]
    assert [query(r).get("page[offset]") for r in server.requests] == [None, "7"]  # the second page is empty


async def test_page_number_style_counts_from_page_start(paginate, server):
    def pages(request: Recorded) -> Reply:
        size, number = int(query(request)["per_page"]), int(query(request).get("page", 1))
        return Reply(200, {"results": {"items": ITEMS[(number - 1) * size:number * size]}})

    server.handler = pages
    items = await paginate("items", "list_numbered_items_with_pagination")  # per_page: the spec's default, 2
    assert ids(items) == [item["id"] for item in ITEMS]
    assert [query(r) for r in server.requests] == [
        {"per_page": "2"}, {"per_page": "2", "page": "2"}, {"per_page": "2", "page": "3"},
        {"per_page": "2", "page": "4"},
    ]


def cursor_pages(cursor_of, size_of):
    """Pages of ITEMS from a cursor (an item's id; none: the start); `next-cursor` is null on the last."""
    def handler(request: Recorded) -> Reply:
        cursor, size = cursor_of(request), size_of(request)
        start = next(i for i, item in enumerate(ITEMS) if item["id"] == cursor) if cursor else 0
        page = ITEMS[start:start + size]
        following = ITEMS[start + size]["id"] if start + size < len(ITEMS) else None
        return Reply(200, {"data": page, "meta": {"page": {"next-cursor": following}}})
    return handler


async def test_cursor_style_follows_the_cursor_path(paginate, server):
    server.handler = cursor_pages(lambda r: query(r).get("cursor"), lambda r: int(query(r)["limit"]))
    items = await paginate("items", "list_cursor_items_with_pagination", "owner/1", limit=4)
    assert ids(items) == [item["id"] for item in ITEMS]
    assert [(r.path, query(r)) for r in server.requests] == [
        ("/owners/owner%2F1/cursor-items", {"limit": "4"}),
        ("/owners/owner%2F1/cursor-items", {"limit": "4", "cursor": "i4"}),  # 3 items < 4: the end
    ]


async def test_cursor_style_stops_when_there_is_no_next_cursor(paginate, server):
    # Full pages every time (7 items, 7 per page): only the missing cursor ends the walk.
    server.handler = cursor_pages(lambda r: query(r).get("cursor"), lambda r: int(query(r)["limit"]))
    items = await paginate("items", "list_cursor_items_with_pagination", "o", limit=7)
    assert len(items) == 7 and len(server.requests) == 1


async def test_cursor_without_a_page_size_walks_until_no_cursor(paginate, server):
    server.handler = cursor_pages(lambda r: query(r).get("after"), lambda r: 3)
    items = await paginate("events", "list_events_with_pagination")
    assert ids(items) == [item["id"] for item in ITEMS]
    assert [query(r) for r in server.requests] == [{}, {"after": "i3"}, {"after": "i6"}]


async def test_cursor_without_a_page_size_stops_at_an_empty_page(paginate, server):
    server.reply(Reply(200, {"data": ITEMS[:2], "meta": {"page": {"next-cursor": "more"}}}),
                 Reply(200, {"data": [], "meta": {"page": {"next-cursor": "still-more"}}}))
    items = await paginate("events", "list_events_with_pagination")
    assert ids(items) == ["i0", "i1"] and len(server.requests) == 2


@pytest.mark.parametrize("body", [None, {"query": "x"}, "model"], ids=["no body", "dict", "model"])
async def test_limit_and_cursor_in_a_post_body(paginate, models, server, body):
    server.handler = cursor_pages(lambda r: (r.json().get("page") or {}).get("cursor"),
                                  lambda r: r.json()["page"]["limit"])
    if body == "model":
        body = models.SearchRequest(query="x")
    kwargs = {} if body is None else {"body": body}
    items = await paginate("items", "search_items_with_pagination", **kwargs)
    assert ids(items) == [item["id"] for item in ITEMS]
    sent = [r.json() for r in server.requests]
    base = {} if body is None else {"query": "x"}
    # page.limit: the schema's default, 2; page.cursor: each response's meta.page.next-cursor
    assert sent == [
        {**base, "page": {"limit": 2}},
        {**base, "page": {"limit": 2, "cursor": "i2"}},
        {**base, "page": {"limit": 2, "cursor": "i4"}},
        {**base, "page": {"limit": 2, "cursor": "i6"}},
    ]
    assert all(r.method == "POST" for r in server.requests)
    if isinstance(body, dict):
        assert body == {"query": "x"}  # the caller's body is left as it was
    elif body is not None:
        assert body.page is None


async def test_a_page_size_set_in_the_body_is_kept(paginate, server):
    server.handler = cursor_pages(lambda r: r.json()["page"].get("cursor"), lambda r: r.json()["page"]["limit"])
    items = await paginate("items", "search_items_with_pagination", body={"page": {"limit": 5}})
    assert len(items) == 7
    assert [r.json()["page"] for r in server.requests] == [{"limit": 5}, {"limit": 5, "cursor": "i5"}]


async def test_an_error_page_raises_after_the_items_before_it(paged, server):
    server.reply(Reply(200, {"data": ITEMS[:3]}), Reply(404, {"errors": ["gone"]}))
    seen = []
    with paged.Client(base_url=server.url, max_retries=0) as client:
        with pytest.raises(paged.errors.NotFoundError):
            for item in client.items.list_offset_items_with_pagination():
                seen.append(item.id)
    assert seen == ["i0", "i1", "i2"]


def test_the_plain_method_is_unchanged(paged, server):
    server.reply(Reply(200, {"data": ITEMS[:3]}))
    with paged.Client(base_url=server.url) as client:
        page = client.items.list_offset_items(page_offset=3, page_size=3)
    assert ids(page.data) == ["i0", "i1", "i2"]
    assert query(server.requests[0]) == {"page[size]": "3", "page[offset]": "3"}


# -- types ---------------------------------------------------------------------------------------

USAGE = """from paged import AsyncClient, Client
from paged.models import Item


def first(client: Client) -> Item:
    for item in client.items.list_cursor_items_with_pagination("owner", limit=5):
        return item
    raise LookupError


async def names(client: AsyncClient) -> list[str]:
    return [item.name or "" async for item in client.items.search_items_with_pagination(body={"query": "x"})]
"""
WRONG = """from paged import AsyncClient, Client


def first(client: Client) -> int:
    for item in client.items.list_offset_items_with_pagination():
        return item
    raise LookupError


async def wrong(client: AsyncClient) -> None:
    for item in client.events.list_events_with_pagination():
        pass
    client.items.list_offset_items_with_pagination(page_offset=3)
"""


def mypy(folder: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return mypy_strict(folder, *targets)


def test_mypy_strict_accepts_the_package_and_typed_items(paged_package):
    (paged_package / "usage.py").write_text(USAGE)
    result = mypy(paged_package, "paged", "usage.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_rejects_misuse_of_the_items(paged_package):
    (paged_package / "wrong.py").write_text(WRONG)
    result = mypy(paged_package, "wrong.py")
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 3, result.stdout
    assert 'Incompatible return value type (got "Item", expected "int")' in errors[0]
    assert '"AsyncPager[Item, CursorPage]" has no attribute "__iter__"' in errors[1]  # async: only `async for`
    assert 'Unexpected keyword argument "page_offset"' in errors[2]  # the walk owns the offset


def test_the_ir_describes_each_walk(capsys):
    assert main(["ir", str(FIXTURES / "paged"), "--package", "paged"]) == 0
    operations = {op["operation_id"]: op for r in json.loads(capsys.readouterr().out)["resources"]
                  for op in r["operations"]}
    walks = {name: op["pagination"] for name, op in operations.items()}
    assert {name: (w["style"], w["item_type"], w["limit_param"], w["limit_default"], w["position_param"])
            for name, w in walks.items()} == {
        "ListOffsetItems": ("offset", "Item", "page_size", 3, "page_offset"),
        "ListNumberedItems": ("page", "Item", "per_page", 2, "page"),
        "ListCursorItems": ("cursor", "Item", "limit", 2, "cursor"),
        "ListEvents": ("cursor", "Item", "", None, "after"),
        "SearchItems": ("cursor", "Item", "", 2, ""),
    }
    assert walks["ListNumberedItems"]["results_path"] == ["results", "items"]
    assert walks["ListNumberedItems"]["page_start"] == 1
    assert walks["SearchItems"]["limit_body_path"] == ["page", "limit"]
    assert walks["SearchItems"]["position_body_path"] == ["page", "cursor"]
    assert walks["ListCursorItems"]["cursor_path"] == ["meta", "page", "next-cursor"]
    assert [p["python_name"] for p in walks["ListOffsetItems"]["params"]] == ["q", "page_size"]


# -- bad x-pagination ------------------------------------------------------------------------------

BAD = """openapi: 3.0.3
info: {title: bad, version: '1'}
paths:
  /things:
    get:
      operationId: ListThings
      parameters:
        - {name: size, in: query, schema: {type: integer}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {type: object, properties: {data: {type: array, items: {type: string}}}}
      x-pagination: %s
"""


@pytest.mark.parametrize("extension, message", [
    ("{limitParam: count, pageOffsetParam: size, resultsPath: data}",
     "/x-pagination/limitParam: limitParam 'count' is not a query, header or cookie parameter of the operation"),
    ("{limitParam: size, pageOffsetParam: size, resultsPath: items}",
     "/x-pagination/resultsPath: resultsPath 'items' is not in the response schema"),
    ("{limitParam: size, resultsPath: data}",
     "/x-pagination: x-pagination needs exactly one of pageOffsetParam, pageParam or cursorParam"),
    ("{cursorParam: body.page.cursor, cursorPath: next, resultsPath: data}",
     "/x-pagination/cursorParam: cursorParam 'body.page.cursor' points into a JSON request body the operation has not"),
])
def test_bad_pagination_is_one_located_error_and_nothing_is_written(tmp_path, capsys, extension, message):
    spec = tmp_path / "bad.yaml"
    spec.write_text(BAD % extension)
    out = tmp_path / "out"
    assert main(["generate", "--no-cache", "--spec", str(spec), "--package", "bad", "--output", str(out)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"{spec.as_posix()}:15: /paths/~1things/get{message}"]
    assert not out.exists()
