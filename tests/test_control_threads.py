"""Controls built in several threads at once add the shared parse of the knowledge base one
thread at a time: clingo reads the statements without holding the GIL, and a roster job and a
page building controls together read them as invalid («invalid ast: term expected») or crashed
the server (a segmentation fault).  The builder is watched, not raced: two threads that reach
``add`` at once meet at a barrier, which one thread at a time never passes."""

from __future__ import annotations

import threading

from clingo import ast

import pyagent.engine.solve as solve_module


def test_two_threads_never_add_the_shared_statements_at_once(monkeypatch):
    solve_module.control()
    solve_module.control()  # from the second control on, the parse is shared
    together = threading.Barrier(2, timeout=1.0)
    met: list[bool] = []

    class Watched(ast.ProgramBuilder):
        first = True

        def add(self, statement) -> None:
            if self.first:  # at the first statement of each control: is another adding too?
                self.first = False
                try:
                    together.wait()
                    met.append(True)
                except threading.BrokenBarrierError:
                    met.append(False)
            super().add(statement)

    monkeypatch.setattr(ast, "ProgramBuilder", Watched)
    threads = [threading.Thread(target=solve_module.control) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert met == [False, False], "two threads added the shared statements at once"
