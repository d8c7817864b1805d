"""The README's paging example, run: its spec fragment generated, its code called against loopback."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT, import_generated
from loopback import Recorded, Reply

from clientsmith.cli import main

CUSTOMERS = [{"id": f"cus_{n}", "name": f"customer {n}"} for n in range(5)]


def example() -> tuple[str, str]:
    section = (ROOT / "README.md").read_text().split("\n### Paging\n", 1)[1].split("\n### ", 1)[0]
    spec = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    return spec, code


def test_the_readme_paging_example_runs(tmp_path, server):
    paths, code = example()
    document = {"openapi": "3.0.3", "info": {"title": "Shop", "version": "1"}, **yaml.safe_load(paths),
                "components": {"schemas": {"Customer": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"}}}}}}
    (tmp_path / "shop.yaml").write_text(yaml.safe_dump(document))
    assert main(["generate", "--no-cache", "--spec", str(tmp_path / "shop.yaml"), "--package", "shop",
                 "--output", str(tmp_path / "out")]) == 0
    shop = import_generated(tmp_path / "out", "shop")

    def pages(request: Recorded) -> Reply:
        query = dict(request.query)
        after, limit = query.get("starting_after"), int(query["limit"])
        start = next(n + 1 for n, c in enumerate(CUSTOMERS) if c["id"] == after) if after else 0
        return Reply(200, {"data": CUSTOMERS[start:start + limit], "has_more": start + limit < len(CUSTOMERS)})

    server.handler = pages
    scope = {"Client": shop.Client, "url": server.url}
    exec(code, scope)
    assert scope["names"] == [c["name"] for c in CUSTOMERS]
    assert [c.id for c in scope["first_page"].data] == [c["id"] for c in CUSTOMERS]
    assert [dict(r.query) for r in server.requests] == [
        {"limit": "2"}, {"limit": "2", "starting_after": "cus_1"}, {"limit": "2", "starting_after": "cus_3"},
        {"limit": "10"},
    ]
