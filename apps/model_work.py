"""The app's model work (chat, compare, evaluate, predict, merge) in a child process of its own.

Generation on a CPU holds Python's lock most of the time; in the app's process every page's 1 s status poll, the
runs table and the file reads waited behind it. The child keeps its own model cache, takes one request at a time
(the app's MODEL_WORK group has one slot) and answers through a pipe: streamed items, progress, the result, or the
error. A child that dies (out of memory, killed) is replaced on the next request; the request it was serving gets
one LabError. The child reads the workspace and the allowed paths from the app's environment at every request.
"""

from __future__ import annotations

import inspect
import itertools
import multiprocessing
import os
import queue
import subprocess
import sys
import threading

from lab import LabError

# Where runs and uploads live, which paths a visitor may name, offline hubs.
SHARED_ENV = ("LAB_", "XDG_CACHE_HOME", "GRADIO_TEMP_DIR", "HF_", "TRANSFORMERS_")
WORK = {"stream_reply", "compare", "compare_split", "evaluate", "predict", "classify_evaluate", "download_merged"}


def serve(connection) -> None:
    """The child's loop: one request at a time, until the app closes the pipe."""
    import lab

    os.nice(5)  # the app's own work (status polls, pages) goes first; generation takes the rest of the CPU
    lab.quiet_libraries()
    while True:
        try:
            request, name, args, kwargs, env, wants_progress = connection.recv()
        except (EOFError, OSError):  # the app ended
            return
        _take_env(env)
        try:
            if wants_progress:
                kwargs["progress"] = lambda done, total: connection.send((request, "progress", (done, total)))
            result = getattr(lab, name)(*args, **kwargs)
            if inspect.isgenerator(result):
                for item in result:
                    connection.send((request, "item", item))
                result = None
            connection.send((request, "done", result))
        except LabError as error:
            connection.send((request, "error", error))
        except Exception as error:  # a bug: its traceback goes to the log here, the page gets its one line
            lab.log_failure(error)
            connection.send((request, "error", RuntimeError(f"{type(error).__name__}: {error}")))


def _take_env(env: dict) -> None:
    for key in [k for k in os.environ if k.startswith(SHARED_ENV) and k not in env]:
        del os.environ[key]
    os.environ.update(env)


class ModelWork:
    """The parent's side: `call` returns a function's result, `stream` yields a generator's items. A reader thread
    hands each answer to the request it belongs to; answers to a request nobody waits for (a closed chat) are
    dropped."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process = self._connection = None
        self._requests = itertools.count()
        self._waiting: dict[int, tuple] = {}  # request -> (its answers, the pipe it went to)

    def call(self, name: str, *args, progress=None, **kwargs):
        answers = self._answers(name, args, kwargs, progress)
        while True:
            try:
                next(answers)
            except StopIteration as end:
                return end.value

    def stream(self, name: str, *args, **kwargs):
        return (yield from self._answers(name, args, kwargs, None))

    def _answers(self, name, args, kwargs, progress):
        if name not in WORK:
            raise ValueError(f"{name} is not model work")
        request, answers = next(self._requests), queue.SimpleQueue()
        env = {k: v for k, v in os.environ.items() if k.startswith(SHARED_ENV)}
        with self._lock:
            connection = self.start()
            self._waiting[request] = answers, connection
            try:
                connection.send((request, name, args, kwargs, env, progress is not None))
            except (OSError, ValueError):  # the child died just now
                answers.put(("ended", None))
        try:
            while True:
                kind, value = answers.get()
                if kind == "item":
                    yield value
                elif kind == "progress":
                    progress(*value)
                elif kind == "done":
                    return value
                elif kind == "error":
                    raise value
                else:
                    raise LabError("The model process ended while answering (out of memory, or killed).",
                                   "Chat, compare and evaluate run in a process of their own; it restarts by itself.",
                                   "Try again; with a large model, use a smaller precision (8bit, 4bit) or fewer "
                                   "examples.")
        finally:
            self._waiting.pop(request, None)

    def start(self):
        """The child, started if it is not running (the app starts it early: importing torch takes seconds).
        A fresh interpreter (`python -m apps.model_work FD`), not a fork of the app's threads and locks, and not
        multiprocessing's spawn, which would re-run the script that started the app."""
        if self._connection is None or self._process.poll() is not None:
            if self._process is not None:  # its pipe closed: it is ending, if the kernel has not yet reaped it
                self._process.kill()
                self._process.wait()
            self._connection, child_end = multiprocessing.Pipe()
            self._process = subprocess.Popen([sys.executable, "-m", "apps.model_work", str(child_end.fileno())],
                                             pass_fds=[child_end.fileno()])
            child_end.close()
            threading.Thread(target=self._read, args=(self._connection,), name="lab-model-answers",
                             daemon=True).start()
        return self._connection

    def _read(self, connection) -> None:
        while True:
            try:
                request, *answer = connection.recv()
            except (EOFError, OSError):  # the child ended: the next request starts another; every request it had
                if self._connection is connection:  # hears it
                    self._connection = None
                for answers, sent_to in list(self._waiting.values()):
                    if sent_to is connection:
                        answers.put(("ended", None))
                return
            if request in self._waiting:
                self._waiting[request][0].put(tuple(answer))

    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.poll() is None else None


MODEL_WORK = ModelWork()

if __name__ == "__main__":
    from multiprocessing.connection import Connection

    serve(Connection(int(sys.argv[1])))
