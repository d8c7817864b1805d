"""Every paging style and source beyond `x-pagination`, against a real HTTP server on loopback.

The fixture spec (tests/fixtures/paging_styles) holds one operation per style: a `Link` header, a next URL
in the body (a path, and a full URL inside `links.pages`), `has_more` with the last item's id, a cursor
named `last_id`, a cursor inside a metadata object, an offset with a total count header; the same from
`x-speakeasy-pagination` and `x-fern-pagination`; and operations that must not be inferred. Each test
checks the exact requests sent, sync and async.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, import_generated, mypy_strict
from loopback import LoopbackServer, Recorded, Reply

from clientsmith.cli import main

SPEC = FIXTURES / "paging_styles" / "paging.yaml"
ITEMS = [{"id": f"i{n}", "name": f"item {n}"} for n in range(5)]
KEY = "secret-key-1234"


@pytest.fixture(scope="module")
def styles_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("paging_styles")
    assert main(["generate", "--no-cache", "--spec", str(SPEC), "--package", "styles", "--output", str(out)]) == 0
    return out


@pytest.fixture
def styles(styles_package):
    return import_generated(styles_package, "styles")


async def collect(iterator):
    if hasattr(iterator, "__aiter__"):
        return [item async for item in iterator]
    return list(iterator)


@pytest.fixture(params=["sync", "async"])
def paginate(request, styles, server):
    """`await paginate("items", "list_a_with_pagination", ...)`: every item, with the sync or async client."""
    async def run(resource, method, *args, **kwargs):
        if request.param == "async":
            async with styles.AsyncClient(base_url=server.url, api_key=KEY, max_retries=0) as client:
                return await collect(getattr(getattr(client, resource), method)(*args, **kwargs))
        with styles.Client(base_url=server.url, api_key=KEY, max_retries=0) as client:
            return await collect(getattr(getattr(client, resource), method)(*args, **kwargs))
    return run


def sent(server: LoopbackServer) -> list[tuple[str, dict[str, str]]]:
    return [(r.path, dict(r.query)) for r in server.requests]


def ids(items) -> list[str]:
    return [item.id for item in items]


def window(request: Recorded, size_key: str, start_key: str, default_size: int = 2) -> tuple[int, int]:
    query = dict(request.query)
    return int(query.get(size_key, default_size)), int(query.get(start_key, 0))


# -- Link header ----------------------------------------------------------------------------------


async def test_link_header_next_relative_then_absolute(paginate, server):
    def pages(request: Recorded) -> Reply:
        size, page = window(request, "per_page", "page")
        page = page or 1
        chunk = ITEMS[(page - 1) * size:page * size]
        links = []
        if page * size < len(ITEMS):
            # page 2 is announced as a relative URL, page 3 as an absolute one
            target = f"/link-items?per_page={size}&page={page + 1}"
            links.append(f'<{server.url + target if page == 2 else target}>; rel="next"')
        links.append(f'</link-items?per_page={size}&page=1>; rel="first"')
        return Reply(200, chunk, headers={"Link": ", ".join(links)})

    server.handler = pages
    assert ids(await paginate("items", "list_a_with_pagination")) == [i["id"] for i in ITEMS]
    assert sent(server) == [
        ("/link-items", {"per_page": "2"}),
        ("/link-items", {"per_page": "2", "page": "2"}),
        ("/link-items", {"per_page": "2", "page": "3"}),  # one item, no rel="next": the end
    ]
    assert all(r.headers.get("x-api-key") == KEY for r in server.requests)


async def test_a_next_url_on_another_origin_is_not_followed(paginate, server):
    with LoopbackServer() as elsewhere:
        server.reply(Reply(200, ITEMS[:2], headers={"Link": f'<{elsewhere.url}/link-items?page=2>; rel="next"'}))
        assert ids(await paginate("items", "list_a_with_pagination")) == ["i0", "i1"]
        assert elsewhere.requests == []  # neither the request nor the API key went there
    assert len(server.requests) == 1


async def test_a_next_url_repeating_the_current_one_stops(paginate, server):
    server.handler = lambda request: Reply(200, ITEMS[:2], headers={"Link": '</link-items?per_page=2>; rel="next"'})
    assert ids(await paginate("items", "list_a_with_pagination")) == ["i0", "i1"]
    assert sent(server) == [("/link-items", {"per_page": "2"})]


# -- next URL in the body -------------------------------------------------------------------------


async def test_next_page_path_in_the_body(paginate, server):
    def pages(request: Recorded) -> Reply:
        size, start = window(request, "PageSize", "Page", 2)
        start *= size
        more = start + size < len(ITEMS)
        return Reply(200, {"records": ITEMS[start:start + size],
                           "next_page_uri": f"/url-items?PageSize={size}&Page={start // size + 1}" if more else None})

    server.handler = pages
    assert ids(await paginate("items", "list_b_with_pagination", page_size=2)) == [i["id"] for i in ITEMS]
    assert sent(server) == [("/url-items", {"PageSize": "2"}), ("/url-items", {"PageSize": "2", "Page": "1"}),
                            ("/url-items", {"PageSize": "2", "Page": "2"})]


async def test_next_url_inside_links_pages_and_a_total_that_stops(paginate, server):
    def pages(request: Recorded) -> Reply:
        start = int(dict(request.query).get("start", 0))
        # Always a next link: only the total (5 items) ends the walk, after three full-size pages of 2.
        chunk = (ITEMS * 2)[start:start + 2]
        return Reply(200, {"droplets": chunk, "meta": {"total": 5},
                           "links": {"pages": {"next": f"{server.url}/nested-url-items?start={start + 2}"}}})

    server.handler = pages
    assert len(await paginate("items", "list_c_with_pagination")) == 6
    assert [q.get("start") for _, q in sent(server)] == [None, "2", "4"]


# -- has_more and cursors -------------------------------------------------------------------------


async def test_has_more_with_the_last_items_id_as_cursor(paginate, server):
    def pages(request: Recorded) -> Reply:
        after = dict(request.query).get("starting_after")
        start = next(n + 1 for n, item in enumerate(ITEMS) if item["id"] == after) if after else 0
        chunk = ITEMS[start:start + 2]
        return Reply(200, {"object": "list", "data": chunk, "has_more": start + 2 < len(ITEMS)})

    server.handler = pages
    assert ids(await paginate("items", "list_d_with_pagination")) == [i["id"] for i in ITEMS]
    assert sent(server) == [("/has-more-items", {"limit": "2"}),
                            ("/has-more-items", {"limit": "2", "starting_after": "i1"}),
                            ("/has-more-items", {"limit": "2", "starting_after": "i3"})]


async def test_has_more_false_stops_even_on_a_full_page(paginate, server):
    server.reply(Reply(200, {"data": ITEMS[:2], "has_more": False}))
    assert ids(await paginate("items", "list_d_with_pagination")) == ["i0", "i1"]
    assert len(server.requests) == 1


async def test_cursor_named_last_id_with_has_more(paginate, server):
    server.reply(Reply(200, {"data": ITEMS[:2], "has_more": True, "last_id": "i1"}),
                 Reply(200, {"data": ITEMS[2:4], "has_more": False, "last_id": "i3"}))
    assert ids(await paginate("items", "list_e_with_pagination", limit=2)) == ["i0", "i1", "i2", "i3"]
    assert sent(server) == [("/last-id-items", {"limit": "2"}), ("/last-id-items", {"limit": "2", "after": "i1"})]


async def test_cursor_inside_a_metadata_object_and_a_repeated_cursor_stops(paginate, server):
    server.reply(Reply(200, {"incidents": ITEMS[:2], "pagination_meta": {"after": "c1"}}),
                 Reply(200, {"incidents": ITEMS[2:4], "pagination_meta": {"after": "c2"}}),
                 Reply(200, {"incidents": ITEMS[:2], "pagination_meta": {"after": "c2"}}))  # the same again
    items = await paginate("items", "list_f_with_pagination", page_size=2)
    assert ids(items) == ["i0", "i1", "i2", "i3", "i0", "i1"]
    assert [q for _, q in sent(server)] == [{"page_size": "2"}, {"page_size": "2", "after": "c1"},
                                            {"page_size": "2", "after": "c2"}]


async def test_offset_with_a_total_count_header(paginate, server):
    def pages(request: Recorded) -> Reply:
        size, offset = window(request, "limit", "offset")
        return Reply(200, {"results": ITEMS[offset:offset + size]}, headers={"X-Total-Count": "4"})

    server.handler = pages
    assert ids(await paginate("items", "list_g_with_pagination", limit=2)) == ["i0", "i1", "i2", "i3"]
    assert [q for _, q in sent(server)] == [{"limit": "2"}, {"limit": "2", "offset": "2"}]  # 4 of 4: no third


# -- other generators' extensions -----------------------------------------------------------------


def token_pages(position: str):
    def handler(request: Recorded) -> Reply:
        token = dict(request.query).get(position)
        start = int(token[1:]) if token else 0
        more = start + 2 < len(ITEMS)
        return Reply(200, {"data": ITEMS[start:start + 2], "next_page_token": f"t{start + 2}" if more else None,
                           "has_more": more,
                           "links": {"next": f"/speakeasy-url-items?{position}=t{start + 2}" if more else None}})
    return handler


async def test_speakeasy_cursor(paginate, server):
    server.handler = token_pages("page_token")
    assert ids(await paginate("extensions", "list_h_with_pagination", size=2)) == [i["id"] for i in ITEMS]
    assert [q for _, q in sent(server)] == [{"size": "2"}, {"size": "2", "page_token": "t2"},
                                            {"size": "2", "page_token": "t4"}]


async def test_speakeasy_last_item_id(paginate, server):
    server.reply(Reply(200, {"data": ITEMS[:2]}), Reply(200, {"data": ITEMS[2:]}), Reply(200, {"data": []}))
    assert ids(await paginate("extensions", "list_i_with_pagination")) == [i["id"] for i in ITEMS]
    assert [q for _, q in sent(server)] == [{}, {"since": "i1"}, {"since": "i4"}]


async def test_speakeasy_url(paginate, server):
    server.handler = token_pages("token")
    assert ids(await paginate("extensions", "list_j_with_pagination")) == [i["id"] for i in ITEMS]
    assert sent(server) == [("/speakeasy-url-items", {}), ("/speakeasy-url-items", {"token": "t2"}),
                            ("/speakeasy-url-items", {"token": "t4"})]


async def test_fern_cursor(paginate, server):
    server.handler = token_pages("cursor")
    assert ids(await paginate("extensions", "list_k_with_pagination")) == [i["id"] for i in ITEMS]
    assert [q for _, q in sent(server)] == [{}, {"cursor": "t2"}, {"cursor": "t4"}]


async def test_fern_offset_with_step_and_has_next_page(paginate, server):
    def pages(request: Recorded) -> Reply:
        size, start = window(request, "count", "start")
        return Reply(200, {"data": ITEMS[start:start + size], "has_more": start + size < 4})

    server.handler = pages
    assert ids(await paginate("extensions", "list_l_with_pagination", count=2)) == ["i0", "i1", "i2", "i3"]
    assert [q for _, q in sent(server)] == [{"count": "2"}, {"count": "2", "start": "2"}]


async def test_fern_next_uri(paginate, server):
    server.reply(Reply(200, {"data": ITEMS[:2], "links": {"next": "/fern-uri-items?p=2"}}),
                 Reply(200, {"data": ITEMS[2:], "links": {"next": None}}))
    assert ids(await paginate("extensions", "list_m_with_pagination")) == [i["id"] for i in ITEMS]
    assert sent(server) == [("/fern-uri-items", {}), ("/fern-uri-items", {"p": "2"})]


# -- pages, the raw first page --------------------------------------------------------------------


def test_pages_are_typed_responses_fetched_once(styles, server):
    server.handler = token_pages("page_token")
    models = importlib.import_module("styles.models")
    with styles.Client(base_url=server.url, api_key=KEY) as client:
        pager = client.extensions.list_h_with_pagination(size=2)
        assert pager.has_next_page()
        first = pager.next_page()
        assert [i.id for i in first.data] == ["i0", "i1"] and first.next_page_token == "t2"
        rest = list(pager.iter_pages())
        assert [[i.id for i in page.data] for page in rest] == [["i2", "i3"], ["i4"]]
        assert all(type(page) is type(first) for page in rest) and isinstance(first.data[0], models.Item)
        assert not pager.has_next_page() and pager.next_page() is None
    assert len(server.requests) == 3


async def test_async_pages_and_items_share_one_walk(styles, server):
    server.handler = token_pages("page_token")
    async with styles.AsyncClient(base_url=server.url, api_key=KEY) as client:
        pager = client.extensions.list_h_with_pagination(size=2)
        first = await pager.next_page()
        assert [i.id for i in first.data] == ["i0", "i1"]
        assert [item.id async for item in pager] == ["i2", "i3", "i4"]  # the items after the page taken
        assert [page async for page in pager.iter_pages()] == []
    assert len(server.requests) == 3


async def test_with_raw_response_gives_the_first_page(styles, server):
    server.handler = token_pages("page_token")
    with styles.Client(base_url=server.url, api_key=KEY) as client:
        raw = client.extensions.with_raw_response.list_h_with_pagination(size=2)
        assert raw.status_code == 200 and raw.parse().next_page_token == "t2"
    async with styles.AsyncClient(base_url=server.url, api_key=KEY) as client:
        raw = await client.extensions.with_raw_response.list_h_with_pagination(size=2)
        assert [i.id for i in raw.parse().data] == ["i0", "i1"]
    assert [q for _, q in sent(server)] == [{"size": "2"}, {"size": "2"}]


# -- what inference keys on, and what it must leave alone ----------------------------------------


def test_the_ir_shows_source_style_and_the_fields_inference_keyed_on(capsys):
    assert main(["ir", str(SPEC)]) == 0
    walks = {op["operation_id"]: op["pagination"] for r in json.loads(capsys.readouterr().out)["resources"]
             for op in r["operations"]}
    assert {name: (w["style"], w["source"]) for name, w in walks.items() if w} == {
        "ListA": ("link_header", "inferred"), "ListB": ("next_url", "inferred"), "ListC": ("next_url", "inferred"),
        "ListD": ("last_id", "inferred"), "ListE": ("cursor", "inferred"), "ListF": ("cursor", "inferred"),
        "ListG": ("offset", "inferred"), "ListH": ("cursor", "extension"), "ListI": ("last_id", "extension"),
        "ListJ": ("next_url", "extension"), "ListK": ("cursor", "extension"), "ListL": ("offset", "extension"),
        "ListM": ("next_url", "extension"),
    }
    # ambiguous (two lists, two positions, two next cursors), not a list, not a GET, no page size, no cursor field
    assert [name for name, w in walks.items() if w is None] == [f"Neither{c}" for c in "ABCDEFG"]
    assert walks["ListD"]["keyed_on"] == ["param limit", "param starting_after", "results data",
                                          "has_more has_more", "item id data[-1].id"]
    assert walks["ListF"]["cursor_path"] == ["pagination_meta", "after"]
    assert walks["ListH"]["keyed_on"] == ["x-speakeasy-pagination"]


def test_generate_reports_inference_and_paging_declared_turns_it_off(tmp_path, capsys):
    assert main(["generate", "--no-cache", "--spec", str(SPEC), "--package", "s", "--output", str(tmp_path / "a")]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "s: paging inferred for 7 methods: 2 cursor, 2 next_url, 1 last_id, 1 link_header, 1 offset "
        '(`paging = "declared"` turns this off)')
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.clientsmith]\npaging = "declared"\n[[tool.clientsmith.clients]]\nspec = "{SPEC.as_posix()}"\n'
        'package = "s"\noutput = "b"\n')
    assert main(["generate", "--no-cache", "--config", str(tmp_path / "pyproject.toml")]) == 0
    assert "paging inferred" not in capsys.readouterr().out
    items = (tmp_path / "b" / "s" / "api" / "items.py").read_text()
    extensions = (tmp_path / "b" / "s" / "api" / "extensions.py").read_text()
    assert "_with_pagination" not in items and "def list_h_with_pagination" in extensions


def test_a_bad_paging_value_in_the_config_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        f'[[tool.clientsmith.clients]]\nspec = "{SPEC.as_posix()}"\npackage = "s"\noutput = "b"\npaging = "maybe"\n')
    assert main(["generate", "--no-cache", "--config", str(tmp_path / "pyproject.toml")]) == 2
    assert "paging must be one of inferred, declared" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


USAGE = """
from styles import AsyncClient, Client
from styles.models import Item, ListBResponse


def pages(client: Client) -> list[str]:
    pager = client.items.list_b_with_pagination(page_size=2)
    first: ListBResponse | None = pager.next_page()
    more: bool = pager.has_next_page()
    names = [page.records for page in pager.iter_pages()]
    return [item.id for item in pager] + [str(first), str(more), str(names)]


async def items(client: AsyncClient) -> list[Item]:
    return [item async for item in client.items.list_a_with_pagination(per_page=5)]
"""


def test_mypy_strict_types_items_and_pages(styles_package, tmp_path):

    (styles_package / "usage.py").write_text(USAGE)
    result = mypy_strict(styles_package, "styles", "usage.py")
    assert result.returncode == 0, result.stdout + result.stderr
