"""Calling the student's code from the grading process.

A `GradingSession` owns the worker of one submission and turns Python calls
into protocol requests: `session.student.activations.relu(s)` sends the
arguments to the worker, waits at most the function's time limit, and returns
the decoded value, or raises `StudentCallError` with words for the student.
Every call is recorded (printed text, warnings, inputs changed in place) for
the test that made it.

A hostile or broken submission costs little more than an honest one: each call
of a part that hits a limit (timed out, ran out of memory, wrote past the
output cap, or killed its worker) is a strike against the part and its
function.  From then on, the calls of that function, and of every function
that `uses` it in the manifest (directly or through others), get the shorter
`call_seconds_after_timeouts`: an endless loop in relu hangs forward, train and
predict too, and each of those then costs a fraction of a second, not the full
limit.  Once the part has `timeouts_allowed` strikes, the remaining calls of
every function that struck are not run at all (they fail, worth 0), and the
worker makes them raise at once when other student code calls them: a forward
that calls the endless relu then fails in a moment, one that does not call it
runs as usual.  Functions that neither hit a limit nor use one that did keep
their full limit: one endless loop does not cost a student the part's other
functions.  Starting a
replacement worker is charged to the part whose call stopped the old one.
"""
from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ...course import Limits, Part
from ...sandbox import protocol
from ..compare import show
from ._client import WorkerFailure, WorkerFailureKind, WorkerProcess
from ._isolation import IsolationMode


class CallFailure(str, enum.Enum):
    """How a call into the student's code failed to return a value."""

    EXCEPTION = "exception"   # the code raised
    TIMEOUT = "timeout"       # it ran past its time limit
    CRASH = "crash"           # the worker died or returned unreadable data
    IMPORT = "import"         # the module did not import
    MISSING = "missing"       # the module or the function is not in the submission
    BUDGET = "budget"         # not run: the part's time budget, or its allowance of calls that hit a limit, is used up


class StudentCallError(Exception):
    """A call into the student's code did not return a value.

    `reason` completes "Calling relu(s) ..." (for example "raised ValueError: ...",
    "timed out after 5 s"); `where` lists lines of the student's own files.
    """

    def __init__(self, call: str, reason: str, where: list[str] | None = None, inputs: str | None = None,
                 kind: CallFailure = CallFailure.EXCEPTION, exception_type: str | None = None):
        super().__init__(f"{call} {reason}")
        self.call, self.reason, self.where, self.inputs = call, reason, where or [], inputs
        self.kind = kind
        self.exception_type = exception_type


@dataclass
class CallRecord:
    """What one call did besides returning a value."""

    text: str
    output: str = ""
    warnings: list[dict] = field(default_factory=list)
    changed_arguments: list[str] = field(default_factory=list)
    arguments_after: list = field(default_factory=list)
    returned_arguments: list[str] = field(default_factory=list)   # arguments the call returned (or a view of)
    elapsed: float = 0.0


@dataclass
class TestLog:
    """Everything the student's code did during one test."""

    calls: list[CallRecord] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(call.output for call in self.calls)

    @property
    def last(self) -> CallRecord:
        return self.calls[-1]

    @property
    def warnings(self) -> list[dict]:
        return [warning for call in self.calls for warning in call.warnings]


def worker_limits(parts: list[Part]) -> Limits:
    """One worker serves all parts: the most generous memory and files, the sum of CPU time."""
    limits = [part.limits for part in parts] or [Limits()]
    return Limits(call_seconds=max(each.call_seconds for each in limits),
                  submission_seconds=sum(each.submission_seconds for each in limits),
                  memory_mb=max(each.memory_mb for each in limits), cpu_seconds=sum(each.cpu_seconds for each in limits),
                  open_files=max(each.open_files for each in limits), processes=max(each.processes for each in limits),
                  output_kib=max(each.output_kib for each in limits), tmp_mib=max(each.tmp_mib for each in limits))


def _differs(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape
                    and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, (list, tuple)):
        return not isinstance(after, (list, tuple)) or len(before) != len(after) or \
            any(_differs(b, a) for b, a in zip(before, after))
    if isinstance(before, dict):
        return not isinstance(after, dict) or set(before) != set(after) or \
            any(_differs(before[key], after[key]) for key in before)
    return False


class GradingSession:
    """The student's side of one grading run: a worker and per-part time budgets."""

    def __init__(self, scratch, parts: list[Part], present_modules: set[tuple[str, str]], mode: IsolationMode,
                 parameter_names: dict[tuple[str, str], list[str]] | None = None):
        self.parts = {part.name: part for part in parts}
        self.module_part = {module: part.name for part in parts for module in part.modules}
        self.present = present_modules
        folders = sorted({part for part, _ in present_modules})
        self.worker = WorkerProcess(scratch, folders, worker_limits(parts), mode)
        self.mode = mode
        self.spent = {part.name: 0.0 for part in parts}
        self.strikes = {part.name: 0 for part in parts}   # calls that hit a limit or stopped the worker
        self.struck: set[str] = set()   # "module.function" (or "module.import") of those calls
        self.restart_owner: str | None = None   # the part whose call stopped the worker: it pays for the next start
        self.import_failures: dict[str, StudentCallError] = {}
        self.imported: set[str] = set()
        self.import_output = ""
        self.log = TestLog()
        self.parameters = parameter_names or {}   # (module, function or method) -> parameter names
        self.student = StudentNamespace(self)

    def start(self) -> None:
        """Start the worker early, so its start-up overlaps with test collection."""
        if self.present:
            self.worker.start()

    def close(self) -> None:
        self.worker.close()

    def begin_test(self) -> TestLog:
        self.log = TestLog()
        return self.log

    # -- calls --------------------------------------------------------------------
    def _budget(self, module: str, function: str, call_seconds: float, text: str) -> tuple[float, bool]:
        """How long this call of module.function may take: its limit, the part's remaining time, and the
        shorter limit once it, or a function it uses, hit a limit; none once the part has
        `timeouts_allowed` strikes and this function is one that struck.  Also whether the shorter limit
        applies (it, or a function it uses, struck), for the words of a time-out."""
        part = self.parts[self.module_part[module]]
        limits = part.limits
        remaining = limits.submission_seconds - self.spent[part.name]
        if remaining <= 0:
            raise StudentCallError(text, f"was not run: the time limit for part {part.name} "
                                         f"({limits.submission_seconds:g} s) is used up", kind=CallFailure.BUDGET)
        strikes = self.strikes[part.name]
        qualified = f"{module}.{function}"
        if self._not_run(qualified):
            raise StudentCallError(text, f"was not run: an earlier call of {function} timed out, ran out of memory "
                                         f"or stopped the grader's worker, and so did {strikes} calls of part "
                                         f"{part.name} (the limit is {limits.timeouts_allowed})",
                                   kind=CallFailure.BUDGET)
        hangs = self._hangs_with_struck(part, qualified)
        if hangs:
            call_seconds = min(call_seconds, limits.call_seconds_after_timeouts)
        return min(call_seconds, remaining), hangs

    def _hangs_with_struck(self, part: Part, qualified: str) -> bool:
        """Whether `qualified` struck, or uses (through the manifest's `uses`, at any depth) a function that did."""
        if not self.struck:
            return False
        seen, waiting = set(), [qualified]
        while waiting:
            name = waiting.pop()
            if name in self.struck:
                return True
            if name not in seen:
                seen.add(name)
                try:
                    waiting.extend(part.function(name).uses)
                except KeyError:   # "module.import", or a name the manifest does not list
                    pass
        return False

    def _strike(self, part: str, function: str) -> None:
        self.strikes[part] += 1
        self.struck.add(function)

    def _not_run(self, qualified: str) -> bool:
        """Whether "module.function" struck and its part has no strikes left: it is not run any more."""
        part = self.parts[self.module_part[qualified.partition(".")[0]]]
        return qualified in self.struck and self.strikes[part.name] >= part.limits.timeouts_allowed

    def _stopped(self) -> list[str]:
        """The functions that are not run any more: the worker makes them raise at once when other student code
        calls them, instead of hanging that caller too (a failed import has no function to stop)."""
        return sorted(name for name in self.struck if not name.endswith(".import") and self._not_run(name))

    def _restart_if_stopped(self) -> None:
        """Start the replacement of a stopped worker, charged to the part whose call stopped it."""
        owner, self.restart_owner = self.restart_owner, None
        if owner is None:
            return
        started = time.perf_counter()
        try:
            self.worker.ensure_ready()
        finally:
            self.spent[owner] += time.perf_counter() - started

    def _request(self, module: str, function: str, message: dict, arrays: list, budget: tuple[float, bool],
                 text: str) -> tuple[dict, list]:
        """One request for module.function (a function or class name, or "import"), strikes counted;
        budget is `_budget`'s (seconds, whether the shorter limit after a strike applies)."""
        part = self.module_part[module]
        limits = self.parts[part].limits
        timeout, hangs = budget
        shortened = hangs and timeout <= limits.call_seconds_after_timeouts < limits.call_seconds
        self._restart_if_stopped()
        stopped = self._stopped()
        if stopped:
            message = {**message, "stopped": stopped}
        started = time.perf_counter()
        try:
            reply, reply_arrays = self.worker.request(message, arrays, timeout)
        except WorkerFailure as failure:
            if failure.kind == WorkerFailureKind.STARTUP:
                raise   # the grading machine's fault: reported as a grading error, not to the student
            self._strike(part, f"{module}.{function}")
            self.restart_owner = part
            self.worker.start_if_stopped()   # a killed worker's replacement starts now, overlapping the grader's work
            timed_out = failure.kind == WorkerFailureKind.TIMEOUT
            reason = failure.reason
            if timed_out and shortened:
                reason += (f" (the limit is {limits.call_seconds_after_timeouts:g} s once a call of it, or of a "
                           "function it uses, has hit a limit)")
            raise StudentCallError(text, reason, kind=CallFailure.TIMEOUT if timed_out else CallFailure.CRASH) from None
        finally:
            self.spent[part] += time.perf_counter() - started
        if not reply.get("ok") and "MemoryError" in str((reply.get("error") or {}).get("type", "")):
            self._strike(part, f"{module}.{function}")   # the worker survived, but filling its memory took as long as a time-out
        return reply, reply_arrays

    def ensure_imported(self, module: str, call_seconds: float) -> None:
        if module in self.imported:
            return
        if module in self.import_failures:
            raise self.import_failures[module]
        text = f"importing {module}.py"
        part = self.module_part[module]
        if (part, module) not in self.present:
            error = StudentCallError(text, f"failed: {module}.py was not found in your submission", kind=CallFailure.MISSING)
            self.import_failures[module] = error
            raise error
        try:
            reply, _ = self._request(module, "import", {"op": "import", "module": module}, [],
                                     self._budget(module, "import", self.parts[part].limits.call_seconds, text), text)
        except StudentCallError as error:
            error.kind = CallFailure.IMPORT
            self.import_failures[module] = error
            raise
        if not reply.get("ok"):
            failure = _error_from_reply(text, reply, kind=CallFailure.IMPORT)
            self.import_failures[module] = failure
            raise failure
        self.import_output += reply.get("output", "")
        self.imported.add(module)

    def call(self, module: str, name: str, args: tuple, kwargs: dict, call_seconds: float,
             op: str = "call", handle: int | None = None, repeat: int | None = None, method: str | None = None):
        """Run one call in the worker; returns the decoded value (or the handle for op="new")."""
        target = method or name   # the function, or the method called on an object
        text = self.call_text(module, target, args, kwargs, owner=name if handle is not None else None)
        self.ensure_imported(module, call_seconds)
        budget = self._budget(module, name, call_seconds, text)
        arrays: list = []
        message = {"op": op, "module": module, "name": method or name,
                   "args": protocol.encode_value(list(args), arrays),
                   "kwargs": protocol.encode_value(dict(kwargs), arrays),
                   "return_args": op == "call"}
        if handle is not None:
            message["handle"] = handle
        if repeat is not None:
            message["repeat"] = repeat
        reply, reply_arrays = self._request(module, name, message, arrays, budget, text)
        if not reply.get("ok"):
            raise _error_from_reply(text, reply, inputs=lambda: self.inputs_text(module, target, args, kwargs))
        record = CallRecord(text=text, output=reply.get("output", ""), warnings=reply.get("warnings", []),
                            elapsed=float(reply.get("elapsed", 0.0)))
        try:
            if "args_after" in reply:
                after = protocol.decode_value(reply["args_after"], reply_arrays)
                record.arguments_after = after if isinstance(after, list) else []
                names = self._parameter_names(module, target, len(args))
                record.changed_arguments = [names[i] for i, (before, now) in enumerate(zip(args, record.arguments_after))
                                            if _differs(before, now)]
                returned = reply.get("returned_args")
                record.returned_arguments = [names[i] for i in returned if type(i) is int and 0 <= i < len(names)] \
                    if isinstance(returned, list) else []
            value = reply.get("handle") if op == "new" else protocol.decode_value(reply.get("value"), reply_arrays)
        except protocol.ProtocolError as error:
            raise StudentCallError(text, f"returned data the grader could not read ({error})", kind=CallFailure.CRASH) from None
        self.log.calls.append(record)
        return value

    # -- wording --------------------------------------------------------------------
    def _parameter_names(self, module: str, name: str, count: int) -> list[str]:
        names = list(self.parameters.get((module, name), []))
        return (names + [f"argument {i + 1}" for i in range(len(names), count)])[:count]

    def call_text(self, module: str, name: str, args, kwargs: dict, owner: str | None = None) -> str:
        """The call as feedback names it, e.g. "relu(s)", or "sampler.sample(k, exclude)" for a method of owner."""
        prefix = f"{self._instance_name(module, owner)}." if owner else ""
        names = self._parameter_names(module, name, len(args))
        return f"{prefix}{name}({', '.join(names + [f'{key}=...' for key in kwargs])})"

    def _instance_name(self, module: str, owner: str) -> str:
        """What feedback calls an object of the class owner: the manifest's `instance`, else the class name."""
        part = self.parts[self.module_part[module]]
        try:
            return part.function(f"{module}.{owner}").instance or owner
        except KeyError:
            return owner

    def inputs_text(self, module: str, name: str, args, kwargs: dict) -> str:
        """One "name = value" line per argument, for feedback."""
        names = self._parameter_names(module, name, len(args))
        lines = [f"{n} = {show(value, 300)}" for n, value in zip(names, args)]
        lines += [f"{key} = {show(value, 300)}" for key, value in kwargs.items()]
        return "\n".join(lines)


def _error_from_reply(text: str, reply: dict, kind: CallFailure = CallFailure.EXCEPTION,
                      inputs: Callable[[], str] | None = None) -> StudentCallError:
    """The error for a reply that says the call failed; inputs gives the text of the call's arguments,
    formatted only when it helps (not for a function that is missing or not written yet: formatting
    arrays costs about a millisecond each, and a stub fails every test)."""
    error = reply.get("error") or {}
    error_type = str(error.get("type", "error"))
    message = str(error.get("message", ""))[:1000]
    if error_type == "missing":
        return StudentCallError(text, f"failed: your file has no function or class named {message!r}", kind=CallFailure.MISSING)
    where = [str(line)[:300] for line in error.get("where", [])][:8]
    if error_type == "NotImplementedError":
        return StudentCallError(text, "is not implemented yet (it still raises NotImplementedError)", where,
                                kind=kind, exception_type=error_type)
    if "MemoryError" in error_type:
        reason = "ran out of memory (MemoryError)"
    elif error_type == "SystemExit":
        reason = f"called sys.exit({message if message != 'None' else ''}), which ends the program"
    elif error_type == "RecursionError":
        reason = "recursed too deeply (RecursionError)"
    else:
        reason = f"raised {error_type}: {message}" if message else f"raised {error_type}"
    return StudentCallError(text, reason, where, inputs() if inputs else None, kind=kind, exception_type=error_type)


class StudentFunction:
    """A callable standing for one of the student's functions (or classes)."""

    def __init__(self, session: GradingSession, module: str, name: str, call_seconds: float):
        self.session, self.module, self.name, self.call_seconds = session, module, name, call_seconds

    def __call__(self, *args, **kwargs):
        return self.session.call(self.module, self.name, args, kwargs, self.call_seconds)

    def new(self, *args, **kwargs) -> StudentObject:
        """Construct an instance of the student's class in the worker."""
        handle = self.session.call(self.module, self.name, args, kwargs, self.call_seconds, op="new")
        return StudentObject(self, handle)


class StudentObject:
    """An object living in the worker (for example the student's NegativeSampler)."""

    def __init__(self, constructor: StudentFunction, handle: int):
        self.constructor, self.handle = constructor, handle

    def call(self, method: str, *args, repeat: int | None = None, **kwargs):
        """Call a method; with repeat=n, call it n times and return the list of results."""
        c = self.constructor
        return c.session.call(c.module, c.name, args, kwargs, c.call_seconds, op="method",
                              handle=self.handle, repeat=repeat, method=method)


class StudentModule:
    def __init__(self, session: GradingSession, module: str):
        self._session, self._module = session, module

    def __getattr__(self, name: str) -> StudentFunction:
        part = self._session.parts[self._session.module_part[self._module]]
        try:
            seconds = part.function(f"{self._module}.{name}").call_seconds
        except KeyError:
            seconds = part.limits.call_seconds
        return StudentFunction(self._session, self._module, name, seconds)


class StudentNamespace:
    """`student.<module>.<function>`: the student's code as the suites see it."""

    def __init__(self, session: GradingSession):
        self._session = session

    def __getattr__(self, module: str) -> StudentModule:
        if module not in self._session.module_part:
            raise AttributeError(module)
        return StudentModule(self._session, module)
