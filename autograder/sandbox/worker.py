"""The worker: the only process in which student code runs.

Started by the grading process (inside bubblewrap where it works) as

    python -I -S worker.py '<json config>'

It imports numpy, drops privileges, applies resource limits, sets no_new_privs
and installs the system-call filter the grader built, and then serves
requests read from a private pipe: import a student module (as a module of a
package named after its part when the part's modules import one another
relatively: `from .activations import relu`), call a function,
construct an object, call a method.  Each reply carries the encoded return
value, the text the call printed, the warnings it raised and, when asked, the
arguments as they are after the call (to detect mutation).

Nothing here decides a grade: the grading process compares what comes back.
So a student who tampers with this process can only change the values they
return, which they control anyway.  This file imports only the standard library,
numpy and `protocol`, its neighbour in this folder.
"""
import base64
import contextlib
import importlib
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import resource
import signal
import sys
import time
import traceback
import types
import warnings

_HERE = os.path.dirname(os.path.abspath(__file__))
protocol = None   # imported in main(), once numpy is on the path

MAX_MESSAGE_CHARS = 2000
MAX_WARNINGS = 20
_RELATIVE_IMPORT = re.compile(rb"^[ \t]*from[ \t]+\.", re.MULTILINE)   # `from .activations import relu`
_SCANNED_BYTES = 1 << 20   # of each .py file, when looking for relative imports


class CappedText(io.TextIOBase):
    """A text stream that keeps its first `limit` characters and counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters not kept]"
        return text


class _TimeUp(BaseException):
    """Raised in the student's code when its request's time is up (SIGALRM).

    The worker then answers at once and lives on, so an endless loop costs the
    grader the call's limit and not a new worker.  Code that catches it, blocks
    the signal or loops inside C simply does not answer, and the grader kills the
    worker at its own deadline, as it always has: this only makes the common case cheap.
    """


class StudentFailure(Exception):
    """The student's code raised; carries a JSON description for the grader."""

    def __init__(self, description):
        super().__init__(description.get("type", "error"))
        self.description = description


def _safe_text(value, limit=MAX_MESSAGE_CHARS):
    try:
        text = str(value)
    except BaseException:  # a student's __str__ may itself fail
        text = "<unprintable>"
    return text if len(text) <= limit else text[:limit] + " ..."


def _describe_exception(exc, student_root):
    """Type, message and the part of the traceback that lies in the student's files."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if frame.filename.startswith(student_root)]
    where = [f"{os.path.relpath(frame.filename, student_root)}, line {frame.lineno}, in {frame.name}"
             + (f": {frame.line}" if frame.line else "") for frame in frames[-8:]]
    description = {"type": type(exc).__name__, "message": _safe_text(exc), "where": where}
    if isinstance(exc, SystemExit):
        description["message"] = _safe_text(exc.code)
    return description


def _returned_arguments(value, args):
    """Positions of the arguments that the returned value is, or shares memory with (a view of an input array).

    Identity cannot cross the boundary as data, and a docstring may promise "a new array (not s itself)".
    """
    import numpy as np

    found = []
    for position, argument in enumerate(args):
        try:
            same = value is argument or (isinstance(value, np.ndarray) and isinstance(argument, np.ndarray)
                                         and np.may_share_memory(value, argument))
        except Exception:   # may_share_memory of exotic arrays: say nothing rather than fail the call
            same = False
        if same:
            found.append(position)
    return found


def _uses_relative_imports(folder):
    """Whether a .py file of the folder (the student's own, in their scratch copy) has a relative import."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".py"))
    except OSError:
        return False
    for name in names:
        try:
            with open(os.path.join(folder, name), "rb") as file:
                if _RELATIVE_IMPORT.search(file.read(_SCANNED_BYTES)):
                    return True
        except OSError:
            continue
    return False


def _import_from_package(name, folder):
    """Import `name` as `<part>.<name>` of the part folder made a package (its __init__.py run, if any), and give
    it its plain name too, so that later requests, and the student's plain-name imports, find the same module."""
    package = os.path.basename(folder)
    if package not in sys.modules:
        init = os.path.join(folder, "__init__.py")
        if os.path.isfile(init):
            spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[folder])
        else:   # a namespace package: no code of its own
            spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
            spec.submodule_search_locations = [folder]
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        try:
            if spec.loader is not None:
                spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[package]
            raise
    module = importlib.import_module(f"{package}.{name}")
    sys.modules.setdefault(name, module)
    return module


def _raising_code(name):
    """The code of a function that raises at once, saying that the grader stopped `name` (no free variables)."""
    message = (f"{name} was not run: the grader stopped it after its calls hit the time limit (or another limit) "
               f"too often; see the tests of {name}")
    source = f"def {name}(*args, **kwargs):\n    raise RuntimeError({message!r})\n"
    return next(constant for constant in compile(source, "<grader>", "exec").co_consts
                if isinstance(constant, types.CodeType))


class Worker:
    """Serves requests until the grader closes the pipe."""

    def __init__(self, config, requests, responses):
        self.pid = os.getpid()
        self.config = config
        self.requests = requests
        self.responses = responses
        self.student_root = config["student_root"]
        self.capture_limit = config["capture_chars"]
        self.objects = {}
        self.import_failures = {}
        self.packages = {}   # part folder -> whether its modules import one another relatively
        self.in_student_code = False
        self.expired = False   # the current request's time is up
        self.armed = False
        self.stopped = set()   # "module.function" the grader stopped, whose code now raises at once

    # -- the time limit of a request --------------------------------------------
    def _time_up(self, signum, frame):
        self.expired = True
        if self.in_student_code:   # never inside the worker's own code (encoding a reply, say)
            raise _TimeUp()

    def arm(self, seconds):
        """Interrupt the student's code `seconds` from now (the grader's limit for this request)."""
        self.expired = False
        if seconds:
            if signal.getsignal(signal.SIGALRM) != self._time_up:   # the student may have replaced it
                signal.signal(signal.SIGALRM, self._time_up)
            signal.setitimer(signal.ITIMER_REAL, float(seconds))
            self.armed = True

    def disarm(self):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.armed = False

    # -- running student code -------------------------------------------------
    def run(self, function, args=(), kwargs=None):
        """Call student code with output captured and warnings recorded.

        Returns (value, printed text, warnings); raises StudentFailure.
        """
        import numpy as np

        capture = CappedText(self.capture_limit)
        failure = None
        value = None
        np.seterr(all="warn", under="ignore")
        caught = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with contextlib.redirect_stdout(capture), contextlib.redirect_stderr(capture):
                    try:
                        self.in_student_code = True
                        if self.expired:
                            raise _TimeUp()
                        value = function(*args, **(kwargs or {}))
                    except _TimeUp:
                        raise
                    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the student's doing
                        failure = _describe_exception(exc, self.student_root)
                    finally:
                        self.in_student_code = False
        except _TimeUp:   # also when the signal came between the return and the line above
            self.in_student_code = False
            failure = {"type": "timeout", "message": "the request's time is up", "where": []}
        if os.getpid() != self.pid:
            os._exit(0)   # a process the student forked came back here: only the worker itself may answer
        recorded = [{"category": getattr(w.category, "__name__", "Warning"), "message": _safe_text(w.message, 300),
                     "where": f"{os.path.relpath(w.filename, self.student_root)}:{w.lineno}"
                     if str(w.filename).startswith(self.student_root) else ""}
                    for w in caught[:MAX_WARNINGS]]
        if failure is not None:
            failure["output"] = capture.getvalue()
            failure["warnings"] = recorded
            raise StudentFailure(failure)
        return value, capture.getvalue(), recorded

    def load_module(self, name):
        if name in self.import_failures:
            raise StudentFailure(self.import_failures[name])
        if name in sys.modules:
            return sys.modules[name], "", []
        folder = self._package_folder(name)
        try:
            if folder is not None:
                return self.run(_import_from_package, (name, folder))
            return self.run(importlib.import_module, (name,))
        except StudentFailure as failure:
            failure.description["phase"] = "import"
            self.import_failures[name] = failure.description
            raise

    def _package_folder(self, name):
        """The part folder that holds `name`.py, when its modules import one another relatively (a package layout).

        The grader asks for modules by plain name; `from .activations import relu` needs a parent package.
        """
        for folder in self.config["module_paths"]:
            if os.path.isfile(os.path.join(folder, f"{name}.py")):
                if folder not in self.packages:   # looked at once: the modules of a part are imported one by one
                    self.packages[folder] = _uses_relative_imports(folder)
                return folder if self.packages[folder] else None
        return None

    def stop(self, names):
        """Make each stopped function (one whose calls kept hitting a limit) raise at once when other student code
        calls it: a forward that calls relu's endless loop then fails at once instead of waiting out its own time
        limit, and a forward that does not call it runs as before.  The function object's code is replaced, so
        every name it was imported under sees it; a closure, a class or a built-in is left as it is."""
        for qualified in names:
            module_name, _, name = str(qualified).partition(".")
            module = sys.modules.get(module_name)
            if qualified in self.stopped or module is None or not name.isidentifier() \
                    or not str(getattr(module, "__file__", "")).startswith(self.student_root):
                continue   # stopped once its module is imported (by this worker, or by a replacement)
            self.stopped.add(qualified)
            function = getattr(module, name, None)
            if isinstance(function, types.FunctionType) and not function.__closure__:
                function.__code__ = _raising_code(name)

    # -- requests -------------------------------------------------------------
    def handle(self, request, arrays):
        op = request.get("op")
        args = protocol.decode_value(request.get("args", []), arrays)
        kwargs = protocol.decode_value(request.get("kwargs", {"$dict": {}}), arrays)
        if op == "ping":
            return {"ok": True}, []
        module, printed, caught = self.load_module(request["module"])
        self.stop(request.get("stopped") or [])
        if op == "import":
            return {"ok": True, "output": printed, "warnings": caught}, []
        if op in ("call", "new"):
            target = getattr(module, request["name"], None)
            if target is None:
                return {"ok": False, "error": {"type": "missing", "message": request["name"], "where": []}}, []
            start = time.perf_counter()
            value, more_printed, more_caught = self.run(target, args, kwargs)
            elapsed = time.perf_counter() - start
            out_arrays = []
            reply = {"ok": True, "output": printed + more_printed, "warnings": caught + more_caught,
                     "elapsed": elapsed}
            if op == "new":
                handle = len(self.objects) + 1
                self.objects[handle] = value
                reply["handle"] = handle
            else:
                reply["value"] = protocol.encode_value(value, out_arrays)
            if request.get("return_args"):
                reply["args_after"] = protocol.encode_value(list(args), out_arrays)
                reply["returned_args"] = _returned_arguments(value, args)
            return reply, out_arrays
        if op == "method":
            target = getattr(self.objects[request["handle"]], request["name"], None)
            if target is None:
                return {"ok": False, "error": {"type": "missing", "message": request["name"], "where": []}}, []
            values, outputs, all_caught = [], [], list(caught)
            start = time.perf_counter()
            for _ in range(int(request.get("repeat", 1))):
                value, more_printed, more_caught = self.run(target, args, kwargs)
                values.append(value)
                outputs.append(more_printed)
                all_caught.extend(more_caught[:MAX_WARNINGS - len(all_caught)])
            elapsed = time.perf_counter() - start
            out_arrays = []
            encoded = protocol.encode_value(values if request.get("repeat") else values[0], out_arrays)
            return {"ok": True, "value": encoded, "output": "".join(outputs)[:self.capture_limit],
                    "warnings": all_caught, "elapsed": elapsed}, out_arrays
        return {"ok": False, "error": {"type": "protocol", "message": f"unknown op {op!r}", "where": []}}, []

    def serve(self):
        self.send({"ok": True, "ready": True, "python": sys.version.split()[0]}, [])
        while True:
            try:
                request, arrays = protocol.unpack(self.requests.read)
            except EOFError:
                return
            self.arm(request.get("seconds") if isinstance(request, dict) else None)
            try:
                reply, out_arrays = self.handle(request, arrays)
            except StudentFailure as failure:
                reply, out_arrays = {"ok": False, "error": failure.description}, []
            finally:
                self.disarm()
            self.send(reply, out_arrays)

    def send(self, reply, arrays):
        self.responses.write(protocol.pack(reply, arrays))
        self.responses.flush()


def _close_quietly(fd):
    try:
        os.close(fd)
    except OSError:
        pass


def _die_with_parent(parent):
    """Ask Linux to kill this worker if the grading process dies (bubblewrap does this itself)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)   # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        return   # not Linux: the grader's own clean-up has to do
    if os.getppid() != parent:
        os._exit(1)   # the parent died before the request took effect


def _drop_privileges(uid, gid):
    """When started as root, become an unprivileged user of our own (no other process shares it)."""
    if uid is None or os.geteuid() != 0:
        return
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def _seal(program):
    """No new privileges (set-user-id programs run as the worker), then the system-call filter, if given.

    `program` is the raw seccomp BPF the grading process built with libseccomp
    (`grading/boundary/_seccomp_filter.py` says what it refuses).  Installed with
    prctl() through ctypes: nothing to import on this side of the boundary.  A
    filter that cannot be installed stops the worker: it never runs unfiltered
    when the grader meant it to be filtered.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    zero = ctypes.c_ulong(0)
    if libc.prctl(ctypes.c_int(38), ctypes.c_ulong(1), zero, zero, zero) != 0:   # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if not program:
        return

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    instructions = ctypes.create_string_buffer(program, len(program))
    fprog = SockFprog(len(program) // 8, ctypes.cast(instructions, ctypes.c_void_p))
    if libc.prctl(ctypes.c_int(22), ctypes.c_ulong(2), ctypes.byref(fprog), zero, zero) != 0:   # SECCOMP_MODE_FILTER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def _set_limit(which, soft, hard=None):
    """Lower one resource limit; never try to raise it above the current hard limit."""
    hard = soft if hard is None else hard
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


def _apply_limits(limits):
    _set_limit(resource.RLIMIT_AS, limits["memory_mb"] * 2**20)
    _set_limit(resource.RLIMIT_CPU, limits["cpu_seconds"], limits["cpu_seconds"] + 1)  # SIGXCPU, then SIGKILL
    _set_limit(resource.RLIMIT_NOFILE, limits["open_files"])
    _set_limit(resource.RLIMIT_NPROC, limits["processes"])
    _set_limit(resource.RLIMIT_FSIZE, limits["file_mb"] * 2**20)
    _set_limit(resource.RLIMIT_CORE, 0)


# Standard modules a solution may reasonably use, imported while the worker can
# still read the whole runtime: after the switch to an unprivileged user, a
# Python installed in a private home folder may no longer be readable.
_PRELOADED = ("math", "random", "collections", "itertools", "functools", "heapq", "bisect", "statistics",
              "re", "string", "typing", "dataclasses", "copy", "operator", "numbers", "fractions", "decimal",
              "array", "struct", "datetime", "time", "signal", "subprocess", "threading", "pathlib", "tempfile",
              "csv", "ctypes", "numpy.linalg", "numpy.random", "numpy.fft")


def main():
    config = json.loads(sys.argv[1])
    requests = os.fdopen(config["request_fd"], "rb", buffering=1 << 16)   # read(n) still returns n bytes
    responses = os.fdopen(config["response_fd"], "wb", buffering=0)
    for fd in (config["request_fd"], config["response_fd"]):
        os.set_inheritable(fd, False)   # the student's own child processes do not get the channel
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)                    # the student's input() sees end of file, not our requests
    os.close(null)
    os.umask(0o077)

    global protocol
    sys.path.append(config["numpy_path"])
    sys.path.insert(0, _HERE)           # -I leaves the script's own folder off the path
    import protocol  # type: ignore[import-not-found]  # its neighbour, found through sys.path
    sys.path.remove(_HERE)
    for name in _PRELOADED:
        importlib.import_module(name)

    parent = os.getppid()
    _drop_privileges(config.get("uid"), config.get("gid"))
    _die_with_parent(parent)   # after the switch of user, which would clear it
    os.chdir(config["student_root"])
    sys.path[:0] = config["module_paths"]
    _apply_limits(config["limits"])
    filter_text = config.get("syscall_filter")
    _seal(base64.b64decode(filter_text) if filter_text else None)   # last: from here on, only student code is new
    sys.dont_write_bytecode = True
    channel = (config["request_fd"], config["response_fd"])
    os.register_at_fork(after_in_child=lambda: [_close_quietly(fd) for fd in channel])
    Worker(config, requests, responses).serve()


if __name__ == "__main__":
    main()
