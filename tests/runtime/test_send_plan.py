"""The generated runtime's send plan (`_send_plan`), driven without a socket: each `Send` is answered by
a scripted response (or connection error), so retries, waits, the 401 refresh, redirect hops and the
idempotency key are checked step by step."""

from __future__ import annotations

import email.utils
import time
from collections import deque
from typing import Any

import httpx
import pytest

from conftest import import_generated
from flavors import generated

API = "https://api.example.test"


@pytest.fixture(scope="module")
def rt():
    mini = import_generated(generated("mini", "mini"), "mini")
    from mini import _retries, _send_plan, _types

    return _send_plan, _types, _retries, mini


def endpoint(rt, method="GET", idempotent=True, key_param=False):
    _, types, _, _ = rt
    params = (types.Param("Idempotency-Key", "header", "simple", False, "idempotency_key"),) if key_param else ()
    return types.Endpoint(operation_id="Op", method_name="op", method=method, path="/things", responses={},
                          params=params, security=(("key",),), idempotent=idempotent)


def build(params: dict[str, Any], method: str = "GET") -> httpx.Request:
    headers = {"Idempotency-Key": params["idempotency_key"]} if params.get("idempotency_key") else {}
    return httpx.Request(method, API + "/things", headers=headers, content=b"{}" if method == "POST" else None)


class Provider:
    """An OAuth2 provider's cache, as the plan sees it: invalidate() is all it calls."""

    def __init__(self) -> None:
        self.invalidated: list[tuple[tuple[str, ...], str]] = []

    def invalidate(self, scopes, token) -> None:
        self.invalidated.append((scopes, token))


def run(rt, ep, replies, *, retries=2, redirects="same_origin", tokens=None, params=None, extra_headers=None):
    """Drive the plan: the steps it took, and its result (a response, or the error it raised)."""
    plan_mod, types, _, _ = rt
    policy = plan_mod.Policy({"key": types.ApiKeyScheme("api_key", "header", "X-Key")}, retries, redirects)
    plan = plan_mod.send_plan(ep, lambda p: build(p, ep.method), params or {}, extra_headers, {"key": ()}, policy)
    script, steps = deque(replies), []
    tokens = tokens or (lambda: ({"key": "k-1"}, []))
    runner = plan_mod.PlanRun(plan)
    try:
        while (step := runner.next_step()) is not None:
            steps.append(step)
            if isinstance(step, plan_mod.Authorize):
                runner.reply = tokens()
            elif isinstance(step, plan_mod.Send):
                reply = script.popleft()
                if isinstance(reply, Exception):
                    runner.error = reply
                else:
                    status, headers = reply if isinstance(reply, tuple) else (reply, {})
                    runner.reply = httpx.Response(status, headers=headers, request=step.request)
    except Exception as exc:  # the plan's own verdict: the error the call raises
        return steps, exc
    assert not script, "the plan stopped before every scripted reply was used"
    return steps, runner.response[0]


def of(rt, steps, kind):
    return [s for s in steps if isinstance(s, getattr(rt[0], kind))]


def test_idempotent_503_is_retried_after_a_jittered_backoff(rt):
    steps, result = run(rt, endpoint(rt), [503, 200])
    assert result.status_code == 200
    assert [type(s).__name__ for s in steps] == [
        "Read", "Authorize", "Send", "Read", "Close", "Sleep", "Authorize", "Send", "Read"]
    [sleep] = of(rt, steps, "Sleep")
    assert 0.25 <= sleep.seconds <= 0.5  # the first wait: 0.5 s times a factor in [0.5, 1)
    assert [rt[0].CallInfo.KEY in s.request.extensions for s in of(rt, steps, "Send")] == [True, True]
    assert [s.request.extensions["call_info"].attempt for s in of(rt, steps, "Send")] == [1, 2]


def test_non_idempotent_503_is_not_retried_but_429_is(rt):
    steps, result = run(rt, endpoint(rt, "POST", idempotent=False), [503])
    assert result.status_code == 503 and not of(rt, steps, "Sleep")
    steps, result = run(rt, endpoint(rt, "POST", idempotent=False), [429, 201])
    assert result.status_code == 201 and len(of(rt, steps, "Send")) == 2


def test_retries_stop_at_max_retries_and_the_last_response_is_returned(rt):
    steps, result = run(rt, endpoint(rt), [500, 502, 504], retries=2)
    assert result.status_code == 504 and len(of(rt, steps, "Send")) == 3
    steps, result = run(rt, endpoint(rt), [500], retries=0)
    assert result.status_code == 500 and not of(rt, steps, "Sleep")


def test_backoff_doubles_within_its_cap(rt):
    retries = rt[2]
    steps, _ = run(rt, endpoint(rt), [503] * 9 + [200], retries=9)
    waits = [s.seconds for s in of(rt, steps, "Sleep")]
    assert len(waits) == 9
    for attempt, wait in enumerate(waits):
        ceiling = min(retries.INITIAL_RETRY_DELAY * 2**attempt, retries.MAX_RETRY_DELAY)
        assert ceiling / 2 <= wait <= ceiling <= retries.MAX_RETRY_DELAY


def test_retry_after_in_seconds_and_as_an_http_date(rt):
    steps, _ = run(rt, endpoint(rt), [(503, {"Retry-After": "3"}), 200])
    assert [s.seconds for s in of(rt, steps, "Sleep")] == [3.0]
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    steps, _ = run(rt, endpoint(rt), [(429, {"Retry-After": when}), 200])
    [sleep] = of(rt, steps, "Sleep")
    assert 8.0 <= sleep.seconds <= 10.5


def test_a_retry_after_beyond_the_limit_is_not_waited_for(rt):
    steps, result = run(rt, endpoint(rt), [(503, {"Retry-After": "3600"})])
    assert result.status_code == 503 and not of(rt, steps, "Sleep")


def test_connection_errors_retried_by_kind_and_method(rt):
    steps, result = run(rt, endpoint(rt, "POST", idempotent=False), [httpx.ConnectError("refused"), 201])
    assert result.status_code == 201 and len(of(rt, steps, "Sleep")) == 1  # it never reached the server
    steps, result = run(rt, endpoint(rt, "POST", idempotent=False), [httpx.ReadTimeout("slow")])
    assert type(result).__name__ == "ApiTimeoutError" and not of(rt, steps, "Sleep")  # it may have: not resent
    steps, result = run(rt, endpoint(rt), [httpx.ReadError("reset")] * 3, retries=2)
    assert type(result).__name__ == "ApiConnectionError" and len(of(rt, steps, "Send")) == 3


def test_a_401_with_a_cached_token_refreshes_it_once(rt):
    provider, issued = Provider(), iter(["old", "new", "newer"])

    def tokens():
        token = next(issued)
        return {"key": token}, [(provider, ("read",), token)]

    steps, result = run(rt, endpoint(rt), [401, 401], tokens=tokens)
    assert result.status_code == 401  # the second 401 is the answer: no refresh loop
    assert provider.invalidated == [(("read",), "old")]
    assert [s.request.headers["x-key"] for s in of(rt, steps, "Send")] == ["old", "new"]
    assert len(of(rt, steps, "Authorize")) == 2 and not of(rt, steps, "Sleep")


def test_a_401_without_a_cached_token_is_the_answer(rt):
    steps, result = run(rt, endpoint(rt), [401])
    assert result.status_code == 401 and len(of(rt, steps, "Authorize")) == 1


def test_redirect_hops_carry_credentials_only_to_the_calls_origin(rt):
    replies = [(307, {"Location": "/moved"}), (307, {"Location": "https://cdn.example.test/x"}), 200]
    steps, result = run(rt, endpoint(rt), replies, redirects="all")
    assert result.status_code == 200
    sent = [s.request for s in of(rt, steps, "Send")]
    assert [str(r.url) for r in sent] == [API + "/things", API + "/moved", "https://cdn.example.test/x"]
    assert [r.headers.get("x-key") for r in sent] == ["k-1", "k-1", None]
    assert [r.extensions["call_info"].hop for r in sent] == [0, 1, 2]
    assert len(of(rt, steps, "Close")) == 2  # each redirect response released before the next hop


def test_cross_origin_redirect_is_the_answer_under_same_origin_policy(rt):
    steps, result = run(rt, endpoint(rt), [(302, {"Location": "https://elsewhere.test/"})])
    assert result.status_code == 302 and len(of(rt, steps, "Send")) == 1


def test_one_idempotency_key_for_every_attempt_and_the_callers_kept(rt):
    ep = endpoint(rt, "POST", key_param=True)
    steps, _ = run(rt, ep, [503, httpx.ConnectError("refused"), 201])
    keys = {s.request.headers["idempotency-key"] for s in of(rt, steps, "Send")}
    assert len(keys) == 1 and len(of(rt, steps, "Send")) == 3
    steps, _ = run(rt, ep, [503, 201], params={"idempotency_key": "mine"})
    assert [s.request.headers["idempotency-key"] for s in of(rt, steps, "Send")] == ["mine", "mine"]
    steps, _ = run(rt, ep, [201], extra_headers={"Idempotency-Key": "given"})
    assert "idempotency-key" not in of(rt, steps, "Send")[0].request.headers  # build() puts extra headers on


def test_the_call_request_is_never_sent_itself(rt):
    """Credentials go on a copy per request sent: the call's own request stays without them."""
    steps, _ = run(rt, endpoint(rt), [503, 200])
    call = of(rt, steps, "Read")[0].message
    assert isinstance(call, httpx.Request) and "x-key" not in call.headers
    assert all(s.request is not call for s in of(rt, steps, "Send"))


def test_an_attempts_request_has_headers_and_extensions_of_its_own_and_the_same_body(rt):
    from mini import _redirects

    call = httpx.Request("POST", API + "/things", headers={"X-A": "1"}, content=b'{"a":1}',
                         extensions={"timeout": {"read": 5.0}})
    copy = _redirects.copy_request(call)
    copy.headers["X-Key"] = "k-1"
    copy.extensions["call_info"] = "attempt 1"
    assert "x-key" not in call.headers and "call_info" not in call.extensions
    assert (copy.method, copy.url, copy.content) == ("POST", call.url, b'{"a":1}')
    assert copy.headers["content-length"] == "7" and copy.extensions["timeout"] == {"read": 5.0}
    assert b"".join(copy.stream) == b'{"a":1}'  # what the transport sends
    with pytest.raises(httpx.RequestNotRead):  # a streaming body must be read before it can be sent again
        _redirects.copy_request(httpx.Request("POST", API + "/things", content=iter([b"x"])))
