"""Run a function in a forked child while this process goes on, and collect its result later.

Used to validate a large spec on the second core while the models are generated: the child shares the
parsed document through fork instead of receiving a copy. Where fork is unavailable, or the child dies,
the function runs in this process when the result is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Forked(Generic[T]):
    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._process: Any = None
        self._receiver: Any = None
        if "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1:
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(function, sender), daemon=True)
            self._process.start()
            sender.close()

    def result(self) -> T:
        if self._process is None:
            return self._function()
        try:
            ok, value = self._receiver.recv()
        except EOFError:  # the child died without answering: do the work here
            ok, value = True, self._function()
        finally:
            self._receiver.close()
            self._process.join()
        if not ok:
            raise RuntimeError(f"validation failed in a worker process:\n{value}")
        return value  # type: ignore[no-any-return]


def _child(function: Callable[[], Any], sender: Any) -> None:
    try:
        sender.send((True, function()))
    except BaseException:  # reported by the parent, with the child's traceback
        import traceback

        sender.send((False, traceback.format_exc()))
    finally:
        sender.close()
