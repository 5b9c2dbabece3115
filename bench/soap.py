"""SOAP benchmarks: verifyLearner and learnerByDemographics calls/s, and a 200-learner verify batch, over HTTP.

`python -m bench.soap --backend sqlite|postgresql|both --learners 1000000 [--postgres-url URL]`

The register is `bench.register`'s: generated learners loaded through the app's services. The loaded SQLite file
is kept in `--workdir` and reused by later runs (each run works on a fresh copy of it); PostgreSQL is a throwaway
server with default settings (fsync on), loaded afresh. The app is served as `learner-records serve` serves it
(`create_app(services, run_worker=True)`, uvicorn, one worker, no access log) in a process of its own on a free
loopback port. Client processes post envelopes built once with zeep from the contract WSDL over keep-alive
connections from several threads each, and check every answer against what the services give in process for the
same query. Rates are the median of `--repeats` runs; the batch is the median of `--batches`. A py-spy profile of
the server under the verify load splits its CPU time per call by stage. The backend's `## SOAP` section of
bench/RESULTS.md is rewritten at the end of its run; other sections are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import inspect
import multiprocessing as mp
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import OrganisationKind
from learner_records.domain.matching import Demographics, VerificationQuery
from learner_records.entrypoints.soap.contract import CONTRACT_DIR

from .register import (
    ACTOR,
    RESULTS,
    Dataset,
    database_size_mb,
    demographic_queries,
    fresh_database,
    identity,
    load,
    machine,
    make_dataset,
    percentile,
    server_version,
    verify_queries,
    write_section,
)
from .register import code_version as register_code_version

SERVICE = "LearnerService"
BINDING = "{http://tempuri.org/}BasicHttpBinding_LearnerPortType"
PATH = f"/{SERVICE}.svc"
BATCH_SIZE = 200
POLL_EVERY = 0.02  # seconds between getVerifyBatchOutput calls
BATCH_DEADLINE = 60.0  # a batch not finished by then is reported as such
SERVER_START_DEADLINE = 120.0
INCOMPLETE = "WSRC0008"
TARGETS = {"verify": 500.0, "demographics": 300.0, "batch": 1.0}

# stack.md section 4 (HTTP: one uvicorn worker, uvloop + httptools, wrk -c16) and bench.register's in-process rates
CEILINGS = {
    "sqlite": {
        "verify": "HTTP: 2.6k/s sync endpoint + raw sqlite3 PK lookup; 860/s with an ORM `Session` per request",
        "demographics": "HTTP: 860/s sync endpoint with an ORM `Session` per request",
        "batch": "in process: 200 verified in 11 ms (`RegisterService.verify`, 17.5k learners/s, RESULTS.md)",
    },
    "postgresql": {
        "verify": "in process: 1,494 audited verifies/s (a WAL flush per commit, RESULTS.md); HTTP: 860/s ORM",
        "demographics": "in process: p50 1.46 ms per audited search (RESULTS.md); HTTP: 860/s ORM",
        "batch": "in process: 200 verified in 11 ms (`RegisterService.verify`, 17.6k learners/s, RESULTS.md)",
    },
}


def say(message: str) -> None:
    print(message, flush=True)


# --- the register ------------------------------------------------------------------------------------------------


@contextmanager
def sqlite_register(args: argparse.Namespace, data: Dataset) -> Iterator[tuple[str, str]]:
    """A fresh copy of the loaded SQLite register (loaded once into the workdir, reused while it exists)."""
    kept = args.workdir / f"soap-register-{args.learners}-seed{args.seed}.sqlite3"
    if kept.exists():
        note = f"reused the loaded register {kept} (delete it to load afresh)"
        say(note)
    else:
        loading = kept.with_suffix(".loading")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{loading}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{loading}"
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        say(f"[sqlite] loading {len(data.loaded):,} learners into {kept} (kept for later runs)")
        rate, _ = load(services, data.loaded)
        database_size_mb(services, url)  # checkpoints the WAL into the file
        assert services.engine is not None
        services.engine.dispose()
        loading.rename(kept)
        note = f"loaded {len(data.loaded):,} learners into {kept} at {rate:,.0f}/s (kept for later runs)"
        say(note)
    copy = args.workdir / "soap-run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(kept, copy)
    try:
        yield f"sqlite:///{copy}", note
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


@contextmanager
def postgres_register(args: argparse.Namespace, data: Dataset) -> Iterator[tuple[str, str]]:
    with fresh_database("postgresql", args.workdir, args.postgres_url) as url:
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        assert services.engine is not None
        say(f"[postgresql] loading {len(data.loaded):,} learners")
        rate, _ = load(services, data.loaded)
        with services.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        services.engine.dispose()
        yield url, f"loaded {len(data.loaded):,} learners at {rate:,.0f}/s, then `VACUUM ANALYZE`"


@dataclass(frozen=True)
class Caller:
    ukprn: str
    password: str
    user: str

    def credentials(self) -> dict[str, Any]:
        return {"OrganisationRef": None, "UKPRN": self.ukprn, "OrgPassword": self.password, "UserName": self.user}


def callers(services: Services) -> dict[str, Caller]:
    """An awarding organisation (verify, batches) and a school (demographics), each with an OrgPassword."""
    made = {}
    for name, ukprn, kind in (("awarding", "10000902", OrganisationKind.AWARDING_ORGANISATION),
                              ("school", "10000901", OrganisationKind.LEARNER_REGISTRATION_BODY)):  # fmt: skip
        organisation = services.organisations.create(ACTOR, ukprn, f"bench {name}", kind)
        password = services.organisations.set_password(ACTOR, organisation.organisation.id)
        made[name] = Caller(ukprn, password, f"bench-{name}")
    return made


# --- the server --------------------------------------------------------------------------------------------------


def serve(url: str, port: int) -> None:
    """`learner-records serve` over `url`: the app with its in-process job worker, one uvicorn worker."""
    import uvicorn

    from learner_records.entrypoints.api.app import create_app

    services = bootstrap(Settings(database_url=url))
    app = create_app(services, run_worker=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(url: str) -> Iterator[tuple[int, int]]:
    """The server in its own process; yields (pid, port) once /health answers, stops it at the end."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.soap", "--serve", url, "--port", str(port)])
    try:
        deadline = time.monotonic() + SERVER_START_DEADLINE
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    connection.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield process.pid, port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


# --- envelopes ---------------------------------------------------------------------------------------------------


class Envelopes:
    """Request envelopes built by zeep from the contract WSDL, as bytes, with each operation's SOAPAction."""

    def __init__(self) -> None:
        import zeep

        self.client = zeep.Client(str(CONTRACT_DIR / f"{SERVICE}.wsdl"))
        self.service = self.client.create_service(BINDING, f"http://127.0.0.1{PATH}")
        self.actions = {name: op.soapaction for name, op in self.client.wsdl.bindings[BINDING]._operations.items()}

    def build(self, operation: str, **values: Any) -> bytes:
        message = self.client.create_message(self.service, operation, **values)
        return bytes(etree.tostring(message, xml_declaration=True, encoding="utf-8"))


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _gender(value: int | None) -> str | None:
    return None if value is None else str(int(value))


def learner_to_verify(query: VerificationQuery) -> dict[str, Any]:
    return {"ULN": query.uln, "GivenName": query.given_name, "FamilyName": query.family_name,
            "DateOfBirth": _date(query.date_of_birth), "Gender": _gender(query.gender)}  # fmt: skip


def verify_envelope(envelopes: Envelopes, caller: Caller, query: VerificationQuery) -> bytes:
    return envelopes.build("verifyLearner", **caller.credentials(), LearnerToVerify=learner_to_verify(query))


def demographics_envelope(envelopes: Envelopes, caller: Caller, query: Demographics) -> bytes:
    return envelopes.build(
        "learnerByDemographics", FindType="FUL", **caller.credentials(), FamilyName=query.family_name,
        GivenName=query.given_name, DateOfBirth=_date(query.date_of_birth), Gender=_gender(query.gender),
        LastKnownPostCode=query.postcode, PreviousFamilyName=query.previous_family_name, SchoolAtAge16=None,
        PlaceOfBirth=None, EmailAddress=None,
    )  # fmt: skip


# --- answers -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    code: str  # the first ResponseCode, or "fault <ErrorCode>"
    ulns: frozenset[str] = frozenset()  # learnerByDemographics FUL: the learners returned


def read_answer(status: int, body: bytes) -> Answer:
    try:
        root = etree.fromstring(body)
    except etree.XMLSyntaxError:
        return Answer(f"HTTP {status}, not XML")
    if status != 200:
        return Answer(f"fault {root.findtext('.//{*}ErrorCode') or root.findtext('.//faultstring') or status}")
    code = root.findtext(".//{*}ResponseCode") or "no ResponseCode"
    ulns = frozenset(learner.findtext("{*}ULN") or "" for learner in root.iter("{*}Learner"))
    return Answer(code, ulns)


def expected_verify(services: Services, queries: Sequence[VerificationQuery]) -> list[Answer]:
    """What the register answers in process, 200 queries a call."""
    answers: list[Answer] = []
    for start in range(0, len(queries), BATCH_SIZE):
        answers += [Answer(v.result.code.value) for v in services.register.verify(ACTOR, queries[start : start + 200])]
    return answers


def expected_demographics(services: Services, queries: Sequence[Demographics]) -> list[Answer]:
    answers = []
    for query in queries:
        search = services.register.find_by_demographics(ACTOR, query)
        answers.append(Answer(search.code.value, frozenset(match.learner.uln for match in search.matches)))
    return answers


# --- the client --------------------------------------------------------------------------------------------------


@dataclass
class ClientResult:
    started: float
    finished: float
    cpu: float  # the client process's CPU seconds while it posted
    calls: list[tuple[int, float, int, bytes]]  # (index, latency s, HTTP status, body)


def _post(connection: http.client.HTTPConnection, body: bytes, action: str) -> tuple[int, bytes]:
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
    try:
        connection.request("POST", PATH, body, headers)
        response = connection.getresponse()
    except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
        # The server closes a keep-alive connection left idle past its timeout (uvicorn: 5 s), as while the
        # client processes wait for each other at the start: open it again, once.
        connection.close()
        connection.request("POST", PATH, body, headers)
        response = connection.getresponse()
    return response.status, response.read()


def _client_process(port: int, action: str, work: list[tuple[int, bytes]], threads: int,
                    barrier: Any, out: Any) -> None:  # fmt: skip
    """Post `work` from `threads` keep-alive connections, starting with the other processes at `barrier`."""
    ready = threading.Barrier(threads + 1)
    go = threading.Event()
    results: list[list[tuple[int, float, int, bytes]]] = [[] for _ in range(threads)]
    shares = [work[i::threads] for i in range(threads)]
    clock = time.perf_counter

    def run(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        share, mine = shares[number], results[number]
        if share:
            _post(connection, share[0][1], action)  # warm-up: the connection is open before the clock starts
        ready.wait()
        go.wait()
        for index, body in share:
            started = clock()
            status, answer = _post(connection, body, action)
            mine.append((index, clock() - started, status, answer))
        connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    ready.wait()
    barrier.wait()
    cpu, started = time.process_time(), clock()
    go.set()
    for worker in workers:
        worker.join()
    out.put(ClientResult(started, clock(), time.process_time() - cpu, [call for part in results for call in part]))


@dataclass
class LoadRun:
    calls: int
    seconds: float
    latencies_ms: list[float]
    answers: list[Answer]  # in the order of the envelopes
    server_cpu: float
    client_cpu: float
    others: float  # cores used meanwhile by everything else on the machine (PostgreSQL's server included)

    @property
    def rate(self) -> float:
        return self.calls / self.seconds


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy."""
    import psutil

    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def wait_for_quiet(max_wait: float, cores: float = 0.25) -> float:
    """Wait (at most `max_wait` s) until the rest of the machine uses under `cores`; the last reading."""
    deadline = time.monotonic() + max_wait
    while True:
        before = machine_busy()
        time.sleep(1.0)
        busy = machine_busy() - before
        if busy < cores or time.monotonic() > deadline:
            return busy


def drive(port: int, server_pid: int, action: str, envelopes: Sequence[bytes], processes: int, threads: int,
          on_start: Callable[[], object] | None = None) -> LoadRun:  # fmt: skip
    """Post every envelope once, from `processes` × `threads` connections, and time it (`on_start` is called as
    the clients start posting)."""
    context = mp.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    out = context.Queue()
    numbered = list(enumerate(envelopes))
    clients = [context.Process(target=_client_process, args=(port, action, numbered[p::processes], threads,
                                                             barrier, out)) for p in range(processes)]  # fmt: skip
    for client in clients:
        client.start()
    barrier.wait(timeout=300)
    cpu, busy, own = cpu_seconds(server_pid), machine_busy(), time.process_time()
    if on_start is not None:
        on_start()
    results = [out.get(timeout=900) for _ in clients]
    server_cpu = cpu_seconds(server_pid) - cpu
    busy, own = machine_busy() - busy, time.process_time() - own
    for client in clients:
        client.join(60)
    started = min(r.started for r in results)
    seconds = max(r.finished for r in results) - started
    calls = sorted(call for r in results for call in r.calls)
    answers = [read_answer(status, body) for _, _, status, body in calls]
    client_cpu = sum(r.cpu for r in results)
    others = max(0.0, busy - server_cpu - client_cpu - own) / seconds
    return LoadRun(len(calls), seconds, [latency * 1000 for _, latency, _, _ in calls], answers, server_cpu,
                   client_cpu, others)  # fmt: skip


# --- the batch ---------------------------------------------------------------------------------------------------


@dataclass
class BatchRun:
    seconds: float  # submit sent -> the poll that reports the job finished
    submit_ms: float
    polls: int
    code: str
    mismatches: int


def verify_batch(port: int, envelopes: Envelopes, caller: Caller, queries: Sequence[VerificationQuery],
                 expected: Sequence[Answer]) -> BatchRun:  # fmt: skip
    learners = [{"MISIdentifier": str(n), **learner_to_verify(q)} for n, q in enumerate(queries, 1)]
    submit = envelopes.build("submitVerifyBatch", **caller.credentials(), LearnerRecordCount=len(learners),
                             OrgEmail=None, Learner=learners)  # fmt: skip
    placeholder = 987654321987
    poll_template = envelopes.build("getVerifyBatchOutput", **caller.credentials(), JobID=placeholder)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    clock = time.perf_counter
    started = clock()
    status, body = _post(connection, submit, envelopes.actions["submitVerifyBatch"])
    submit_ms = (clock() - started) * 1000
    job = etree.fromstring(body).findtext(".//{*}JobID")
    if status != 200 or not job or job == "0":
        connection.close()
        return BatchRun(float("nan"), submit_ms, 0, read_answer(status, body).code, len(queries))
    poll = poll_template.replace(str(placeholder).encode(), job.encode())
    polls, code, root = 0, INCOMPLETE, None
    while clock() - started < BATCH_DEADLINE:
        time.sleep(POLL_EVERY)
        status, body = _post(connection, poll, envelopes.actions["getVerifyBatchOutput"])
        polls += 1
        code = read_answer(status, body).code
        if code != INCOMPLETE:
            root = etree.fromstring(body)
            break
    seconds = clock() - started
    connection.close()
    if root is None:
        return BatchRun(float("nan"), submit_ms, polls, f"{code} after {BATCH_DEADLINE:.0f} s", len(queries))
    got = {row.findtext("{*}MISIdentifier"): row.findtext("{*}ResponseCode") for row in root.iter("{*}VerifiedLearner")}
    mismatches = sum(got.get(str(n)) != answer.code for n, answer in enumerate(expected, 1))
    return BatchRun(seconds, submit_ms, polls, code, mismatches)


# --- the profile -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    function: str  # the last part of the qualified name
    file: str
    line: int

    @classmethod
    def parse(cls, text: str) -> Frame:
        """A py-spy frame, `Class.function (package/module.py:line)`."""
        name, _, where = text.rpartition(" (")
        file, _, line = where.rstrip(")").rpartition(":")
        return cls(name.rsplit(".", 1)[-1], file, int(line) if line.isdigit() else 0)


def _endpoint_lines() -> dict[int, str]:
    """Lines of `SoapService.call` whose C calls (lxml) show up in a profile as the call frame itself."""
    from learner_records.entrypoints.soap.endpoint import SoapService

    lines, first = inspect.getsourcelines(SoapService.call)
    marks = {"schema.validate": "schema validation (lxml)", "_envelope(render": "rendering the response"}
    return {first + n: stage for n, text in enumerate(lines) for mark, stage in marks.items() if mark in text}


_IN_CALL = {  # function -> stage, for frames below SoapService.call
    "_body_element": "XML parse (lxml)",
    "read": "reading the message into a dict",
    "_read": "reading the message into a dict",
    "miap_actor": "authentication (its own transaction)",
    "authenticate_password": "authentication (its own transaction)",
    "render": "rendering the response",
    "_fill": "rendering the response",
    "_envelope": "rendering the response",
    "verified_message": "rendering the response",
    "learner_message": "rendering the response",
    "fault_envelope": "faults",
}
_IN_SERVICE = {  # function -> stage, for frames below RegisterService.verify / find_by_demographics
    "_log": "service: access-log insert",
    "commit": "service: COMMIT",
    "__enter__": "service: open the unit of work (BEGIN IMMEDIATE on SQLite)",
    "__exit__": "service: close the unit of work",
}


def stage_of(frames: Sequence[Frame], endpoint_lines: dict[int, str]) -> str:
    """The stage a py-spy stack (outermost frame first) belongs to."""
    call = next((n for n, f in enumerate(frames) if f.function == "call" and f.file.endswith("soap/endpoint.py")), None)
    if call is None:
        if any(f.function == "_run" and f.file.endswith("entrypoints/worker.py") for f in frames):
            return "background job worker"
        if any(f.function == "__call__" and f.file.endswith("starlette/responses.py") for f in frames):
            return "HTTP: writing the response (Starlette `Response`, uvicorn)"
        if any(f.file.endswith(("anyio/to_thread.py", "starlette/concurrency.py", "anyio/_backends/_asyncio.py"))
               and f.function in ("run_in_threadpool", "run_sync", "run") for f in frames):  # fmt: skip
            return "HTTP: thread hand-off (`run_in_threadpool`, anyio worker threads)"
        if any(f.function == "__call__" and f.file.endswith("starlette/routing.py") for f in frames):
            return "HTTP: FastAPI routing and request/endpoint wrapping"
        return "HTTP: uvicorn protocol, middleware, event loop"
    inner = frames[call + 1 :]
    if not inner:
        return endpoint_lines.get(frames[call].line, "endpoint dispatch")
    for n, frame in enumerate(inner):
        if frame.file.endswith("services/register.py") and frame.function in ("verify", "find_by_demographics"):
            stages = (_IN_SERVICE.get(deeper.function) for deeper in inner[n + 1 :])
            return next((stage for stage in stages if stage), "service: look-up and matching")
        if frame.function in _IN_CALL and "soap/" in frame.file:
            return _IN_CALL[frame.function]
        if frame.function == "authenticate_password":
            return _IN_CALL["authenticate_password"]
    return "handler (request fields to a query)"


@dataclass
class Profile:
    calls: int  # about this many calls were answered while sampling
    seconds: int
    rate_hz: int
    by_stage: Counter[str]
    server_cpu_ms: float  # psutil, per call, over the whole profiled run

    @property
    def samples(self) -> int:
        return sum(self.by_stage.values())

    @property
    def gil_busy(self) -> float:
        """The share of samples in which a thread of the server held the GIL."""
        return self.samples / (self.rate_hz * self.seconds)

    def ms_per_call(self, stage: str) -> float:
        return self.by_stage[stage] / self.rate_hz / self.calls * 1000


def profile_verify(pid: int, port: int, action: str, envelopes: Sequence[bytes], rate: float,
                   args: argparse.Namespace, backend: str) -> Profile | None:  # fmt: skip
    """py-spy on the server while it answers verifyLearner: the thread holding the GIL, sampled, by stage."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        say("  py-spy not found (`pip install py-spy`): no profile")
        return None
    seconds, hz = args.profile_seconds, 200
    path = args.workdir / f"soap-{backend}-verify.pyspy.txt"
    path.unlink(missing_ok=True)
    work = [envelopes[n % len(envelopes)] for n in range(int(rate * (seconds + 3)))]  # outlasts the sampling
    command = [py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", str(hz), "--gil",
               "--format", "raw", "--output", str(path)]  # fmt: skip
    spies: list[subprocess.Popen[bytes]] = []
    start = lambda: spies.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # noqa: E731
    run = drive(port, pid, action, work, args.processes, args.threads, on_start=start)
    for spy in spies:
        spy.wait(60)
    if not path.exists():
        say("  py-spy wrote nothing (is ptrace allowed here?): no profile")
        return None
    lines_of = _endpoint_lines()
    by_stage: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            by_stage[stage_of([Frame.parse(f) for f in stack.split(";")], lines_of)] += int(number)
    return Profile(int(run.rate * seconds), seconds, hz, by_stage, run.server_cpu / run.calls * 1000)


# --- the run -----------------------------------------------------------------------------------------------------


@dataclass
class Load:
    runs: list[LoadRun] = field(default_factory=list)
    mismatches: Counter[str] = field(default_factory=Counter)  # "kind: got X, in process Y"
    outcomes: Counter[str] = field(default_factory=Counter)  # "kind: code"

    @property
    def rate(self) -> float:
        return statistics.median(r.rate for r in self.runs)

    def percentiles(self) -> tuple[float, float, float]:
        return tuple(statistics.median(percentile(r.latencies_ms, s) for r in self.runs)  # type: ignore[return-value]
                     for s in (0.5, 0.95, 0.99))  # fmt: skip

    def per_call(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) / r.calls * 1000 for r in self.runs)

    def server_cores(self) -> float:
        return statistics.median(r.server_cpu / r.seconds for r in self.runs)

    def others(self) -> float:
        return statistics.median(r.others for r in self.runs)


@dataclass
class Figures:
    backend: str
    version: str = ""
    learners: int = 0
    register_note: str = ""
    size_mb: float = 0.0
    verify: Load = field(default_factory=Load)
    demographics: Load = field(default_factory=Load)
    batches: list[BatchRun] = field(default_factory=list)
    profile: Profile | None = None
    seconds: float = 0.0


def measure(name: str, port: int, pid: int, action: str, envelopes: Sequence[bytes], kinds: Sequence[str],
            expected: Sequence[Answer], args: argparse.Namespace, into: Load) -> None:  # fmt: skip
    idle = wait_for_quiet(args.quiet_wait)
    if idle >= 0.25:
        say(f"  the machine is busy with other work ({idle:.2f} cores); measuring anyway")
    run = drive(port, pid, action, envelopes, args.processes, args.threads)
    into.runs.append(run)
    for kind, got, wanted in zip(kinds, run.answers, expected, strict=True):
        into.outcomes[f"{kind}: {got.code}"] += 1
        if got != wanted:
            into.mismatches[f"{kind}: got {got.code}, in process {wanted.code}"] += 1
    p = [percentile(run.latencies_ms, s) for s in (0.5, 0.95, 0.99)]
    say(
        f"  {name} run {len(into.runs)}: {run.rate:,.0f} calls/s, p50 {p[0]:.1f} / p95 {p[1]:.1f} / p99 "
        f"{p[2]:.1f} ms, server CPU {run.server_cpu / run.calls * 1000:.2f} ms/call "
        f"({run.server_cpu / run.seconds:.2f} cores), client CPU {run.client_cpu / run.calls * 1000:.2f} ms/call, "
        f"other processes {run.others:.2f} cores"
    )


def run_backend(backend: str, args: argparse.Namespace, data: Dataset) -> Figures:
    figures = Figures(backend, learners=len(data.loaded))
    started = time.perf_counter()
    rng = random.Random(args.seed * 1000 + 443)
    uln_set = {g.uln for g in data.loaded}
    register = sqlite_register if backend == "sqlite" else postgres_register
    with register(args, data) as (url, note):
        figures.register_note = note
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        assert services.engine is not None
        figures.version = server_version(services)
        figures.size_mb = database_size_mb(services, url)
        made = callers(services)
        say(f"[{backend}] {figures.version}, {figures.size_mb:,.0f} MB; building envelopes and expected answers")
        envelopes = Envelopes()
        t0 = time.perf_counter()
        verify_sets, demo_sets, batch_sets = [], [], []
        for _ in range(args.repeats):
            queries = verify_queries(rng, data.loaded, uln_set, args.verify_calls)
            verify_sets.append(([k for k, _ in queries], [verify_envelope(envelopes, made["awarding"], q)
                                                          for _, q in queries],
                                expected_verify(services, [q for _, q in queries])))  # fmt: skip
        identities = {identity(g) for g in data.loaded}
        for i in range(args.repeats):
            demos = demographic_queries(rng, data.loaded, identities, args.demographics_calls, args.seed + 31 + i)
            demo_sets.append(([k for k, _, _ in demos], [demographics_envelope(envelopes, made["school"], q)
                                                         for _, _, q in demos],
                              expected_demographics(services, [q for _, _, q in demos])))  # fmt: skip
        del identities
        for _ in range(args.batches):
            queries = [q for _, q in verify_queries(rng, data.loaded, uln_set, BATCH_SIZE)]
            batch_sets.append((queries, expected_verify(services, queries)))
        services.engine.dispose()
        say(
            f"  {sum(len(s[1]) for s in verify_sets + demo_sets):,} envelopes and their expected answers in "
            f"{time.perf_counter() - t0:.1f} s"
        )

        with server(url) as (pid, port):
            say(f"  server pid {pid} on 127.0.0.1:{port}; {args.processes} client processes × {args.threads} threads")
            for kinds, bodies, expected in verify_sets:
                measure("verifyLearner", port, pid, envelopes.actions["verifyLearner"], bodies, kinds, expected,
                        args, figures.verify)  # fmt: skip
            for kinds, bodies, expected in demo_sets:
                measure("learnerByDemographics", port, pid, envelopes.actions["learnerByDemographics"], bodies,
                        kinds, expected, args, figures.demographics)  # fmt: skip
            for queries, expected in batch_sets:
                batch = verify_batch(port, envelopes, made["awarding"], queries, expected)
                figures.batches.append(batch)
                say(
                    f"  verify batch of {len(queries)}: finished {batch.seconds:.3f} s after submission "
                    f"(submit {batch.submit_ms:.0f} ms, {batch.polls} polls, {batch.code}, "
                    f"{batch.mismatches} answers unlike the in-process ones)"
                )
            if not args.no_profile:
                say(f"  profiling the server under verifyLearner for {args.profile_seconds} s (py-spy)")
                figures.profile = profile_verify(pid, port, envelopes.actions["verifyLearner"], verify_sets[0][1],
                                                 figures.verify.rate, args, backend)  # fmt: skip
                if figures.profile:
                    for stage, _ in figures.profile.by_stage.most_common():
                        say(f"    {stage}: {figures.profile.ms_per_call(stage):.3f} ms/call")
    figures.seconds = time.perf_counter() - started
    return figures


# --- RESULTS.md --------------------------------------------------------------------------------------------------


def section_name(backend: str) -> str:
    return f"soap-{backend}"


def render(figures: Figures, args: argparse.Namespace, command: str, code: str) -> str:
    c = CEILINGS[figures.backend]
    ok = lambda passed: " ✅" if passed else " ❌"  # noqa: E731
    v, d = figures.verify, figures.demographics
    vp, dp = v.percentiles(), d.percentiles()
    done = [b.seconds for b in figures.batches if b.seconds == b.seconds]  # finished ones (not NaN)
    batch_s = statistics.median(done) if len(done) == len(figures.batches) and done else float("inf")
    concurrency = f"{args.processes} client processes × {args.threads} keep-alive connections"
    lines = [
        f"## SOAP — {figures.backend}",
        "",
        f"- Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}, {figures.version}"
        + (
            ", server defaults (fsync on, shared_buffers 128 MB)"
            if figures.backend == "postgresql"
            else ", WAL, synchronous=NORMAL (the app's engine)"
        )  # fmt: skip
        + f"; whole run {figures.seconds / 60:.1f} min.",
        f"- Command: `{command}` ({code})",
        f"- Register: {figures.learners:,} learners (`bench.generate` seed {args.seed}); {figures.register_note}; "
        f"{figures.size_mb:,.0f} MB.",
        "- Server: `create_app(services, run_worker=True)` under uvicorn (uvloop, httptools), one worker, no access "
        f"log, in its own process. Clients: {concurrency} (concurrency {args.processes * args.threads}), posting "
        "envelopes built once by zeep from the contract WSDL (`create_message`), every answer checked against the "
        "services' own answer to the same query.",
        "",
        "| figure | measured | target | ceiling |",
        "|---|---|---|---|",
        f"| verifyLearner, calls/s ({args.verify_calls:,} calls a run) | {v.rate:,.0f}/s{ok(v.rate >= 500)} | "
        f"≥ 500/s | {c['verify']} |",
        f"| verifyLearner latency p50 / p95 / p99 | {vp[0]:.1f} / {vp[1]:.1f} / {vp[2]:.1f} ms | – | – |",
        f"| verifyLearner server CPU per call, cores busy | {v.per_call('server_cpu'):.2f} ms, "
        f"{v.server_cores():.2f} cores | – | 1 core for Python (one process, one GIL) |",
        f"| learnerByDemographics (FUL), calls/s ({args.demographics_calls:,} calls a run) | {d.rate:,.0f}/s"
        f"{ok(d.rate >= 300)} | ≥ 300/s | {c['demographics']} |",
        f"| learnerByDemographics latency p50 / p95 / p99 | {dp[0]:.1f} / {dp[1]:.1f} / {dp[2]:.1f} ms | – | – |",
        f"| learnerByDemographics server CPU per call, cores busy | {d.per_call('server_cpu'):.2f} ms, "
        f"{d.server_cores():.2f} cores | – | – |",
        f"| submitVerifyBatch of {BATCH_SIZE}: submit → getVerifyBatchOutput finished (median of "
        f"{len(figures.batches)}) | {batch_s:.3f} s{ok(batch_s <= 1)} ({BATCH_SIZE / batch_s:,.0f} learners/s) "
        f"| ≤ 1 s | {c['batch']} |",
        f"| client CPU per call (verify / demographics) | {v.per_call('client_cpu'):.2f} / "
        f"{d.per_call('client_cpu'):.2f} ms | – | – |",
        "| CPU used meanwhile by other processes"
        + (" (PostgreSQL's server included)" if figures.backend == "postgresql" else "")
        + f", verify / demographics | {v.others():.2f} / {d.others():.2f} cores | – | of 2 cores |",
        "",
        "Rates are medians of "
        f"{len(v.runs)} runs (verify: {', '.join(f'{r.rate:,.0f}' for r in v.runs)}; demographics: "
        f"{', '.join(f'{r.rate:,.0f}' for r in d.runs)}); latencies are per call as the client saw them. Batches: "
        + ", ".join(f"{b.seconds:.3f} s (submit {b.submit_ms:.0f} ms, {b.polls} polls)" for b in figures.batches)
        + f", polled every {POLL_EVERY * 1000:.0f} ms.",
    ]
    if figures.profile:
        p = figures.profile
        total = sum(p.ms_per_call(s) for s in p.by_stage)
        lines += [
            "",
            f"Where the server's time goes per verifyLearner call: py-spy `--gil` (the thread holding the GIL, "
            f"{p.rate_hz} Hz) for {p.seconds} s under the same load, about {p.calls:,} calls. A thread held the GIL "
            f"in {p.gil_busy:.0%} of the samples; they add up to {total:.2f} ms a call (psutil: {p.server_cpu_ms:.2f} "
            "ms of CPU a call, which also counts SQLite and driver work done with the GIL released). Raw stacks: "
            f"`soap-{figures.backend}-verify.pyspy.txt` in the workdir.",
            "",
            "| stage | ms per call | share |",
            "|---|---|---|",
        ]
        for stage, _ in p.by_stage.most_common():
            ms = p.ms_per_call(stage)
            lines.append(f"| {stage} | {ms:.3f} | {ms / total:.0%} |")
    lines += ["", "Answers (all runs):", ""]
    for name, load_ in (("verifyLearner", v), ("learnerByDemographics", d)):
        calls = sum(r.calls for r in load_.runs)
        wrong = sum(load_.mismatches.values())
        detail = "; ".join(f"{k}: {n}" for k, n in load_.mismatches.most_common(8))
        lines.append(f"- {name}: {wrong} of {calls:,} answers unlike the in-process answer to the same query"
                     + (f" ({detail})" if detail else "") + ". By kind of query: "
                     + "; ".join(f"{k} {n:,}" for k, n in sorted(load_.outcomes.items())) + ".")  # fmt: skip
    wrong = sum(b.mismatches for b in figures.batches)
    lines.append(f"- verify batches: {wrong} of {BATCH_SIZE * len(figures.batches):,} rows unlike the in-process "
                 f"answer; final codes {', '.join(sorted({b.code for b in figures.batches}))}.")  # fmt: skip
    lines.append("")
    lines += why(figures)
    return "\n".join(lines) + "\n"


def why(figures: Figures) -> list[str]:
    """The reading of the figures against the targets, from the figures themselves."""
    v = figures.verify
    cpu, cores = v.per_call("server_cpu"), v.server_cores()
    lines = [f"Reading: the server spends {cpu:.2f} ms of CPU per verifyLearner call and keeps {cores:.2f} cores "
             f"busy at {v.rate:,.0f} calls/s (one process: its Python runs under one GIL, so about one core is all "
             f"it can use; {1000 / cpu:,.0f} calls/s at one full core)."]  # fmt: skip
    if v.others() > 0.25:
        who = "Other processes" if figures.backend == "sqlite" else "Other processes, PostgreSQL's server among them,"
        lines[-1] += (f" {who} used {v.others():.2f} of the 2 cores meanwhile (the machine was shared), and the "
                      "server's threads and the clients competed with them for the CPU.")  # fmt: skip
    if figures.profile:
        p = figures.profile
        groups: Counter[str] = Counter()
        for stage in p.by_stage:
            group = stage.split(":")[0] if stage.startswith(("HTTP", "service")) else stage
            group = {
                "XML parse (lxml)": "SOAP",
                "schema validation (lxml)": "SOAP",
                "faults": "SOAP",
                "reading the message into a dict": "SOAP",
                "rendering the response": "SOAP",
                "endpoint dispatch": "SOAP",
                "handler (request fields to a query)": "SOAP",
            }.get(group, group)
            groups[group] += p.by_stage[stage]  # fmt: skip
        ms = {group: n / p.rate_hz / p.calls * 1000 for group, n in groups.items()}
        total = sum(ms.values())
        http = ms.get("HTTP", 0.0)
        lines[-1] += (f" Of the {total:.2f} ms a call the GIL is held, the HTTP stack (uvicorn, FastAPI's middleware "
                      f"and routing, the response write, the hand-off to a worker thread) takes {http:.2f} ms "
                      f"({http / total:.0%}); the SOAP work (parse, schema, read, render) {ms.get('SOAP', 0):.2f} ms; "
                      f"authentication {ms.get('authentication (its own transaction)', 0):.2f} ms; the service call "
                      f"(look-up, matching, access-log insert, commit) {ms.get('service', 0):.2f} ms. The GIL was "
                      f"held in {p.gil_busy:.0%} of the samples: the rest of the time the threads wait on "
                      + ("SQLite's write lock (every unit of work takes it, the authentication's too)"
                         if figures.backend == "sqlite" else "PostgreSQL (each audited commit waits for its WAL flush)")
                      + ", or for the CPU the clients and other processes use.")  # fmt: skip
    return lines


def code_version() -> str:
    """The app code measured, with the same rules as bench.register (an exported commit names itself)."""
    return register_code_version()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soap", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--learners", type=int, default=1_000_000, help="learners generated (default 1,000,000)")
    parser.add_argument("--postgres-url", help="an existing server (a database is created on it and dropped)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--verify-calls", type=int, default=6000, help="verifyLearner calls a run")
    parser.add_argument("--demographics-calls", type=int, default=3000, help="learnerByDemographics calls a run")
    parser.add_argument("--batches", type=int, default=5, help="200-learner verify batches")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=8, help="keep-alive connections per client process")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile of the server")
    parser.add_argument("--profile-seconds", type=int, default=8)
    parser.add_argument("--quiet-wait", type=float, default=120.0, help="wait at most this long (s) before each "
                        "run for other work on the machine to stop")  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "learner-records-bench")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="do not update the results file")
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)  # the server process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    command = "python -m bench.soap " + " ".join(sys.argv[1:] if argv is None else argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    code = code_version()
    say(f"measuring {code}")
    data = make_dataset(args.learners, args.seed, args.workdir)
    say(f"{args.learners:,} generated, {len(data.loaded):,} kept in {data.seconds:.1f} s")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        figures = run_backend(backend, args, data)
        say(f"[{backend}] done in {figures.seconds / 60:.1f} min")
        body = render(figures, args, command, code)
        say(body)
        if not args.no_results:
            write_section(section_name(backend), body, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
