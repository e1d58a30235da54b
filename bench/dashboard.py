"""
How fast the managers' reports are with up to five million posts in PostgreSQL (#13).

Each size in --sizes (10000,1000000,5000000) has a database of its own (the name in
DATABASE_URL with the size after it, e.g. socialstrategy_bench_5000000). Every step
below runs in a process of its own, and every process takes the same moment for now
(--at: by default the last working day at 23:00 in Oslo, so that "today", which every
page counts from the posts themselves, holds nearly a full busy day whenever the run
starts; the process's clock is stopped there with time-machine):

(a) the load, a size at a time: that many rows into inbox_post with COPY (not the
    ORM), spread over the two years up to now, as an inbox's posts are (more on
    weekdays and in the daytime, 60 % to be answered, most of them within hours,
    some late, some still open in the last days, 7 % closed with a reason), their
    authors, most of them with a target group, our echoed replies and the outbox
    messages that sent them; then VACUUM ANALYZE;
(b) the rebuild: inbox.reports.rollups.rebuild() of every closed day (the first
    post's day to yesterday), its time and posts a second; then a cProfile of one
    day's rebuild, so that the lead sees where the time goes;
(c) the page, --repeats times (3) for every size, in turns (10 k, 1 M, 5 M, then
    5 M, 1 M, 10 k, ...), so that a machine slower for a while weighs on every size
    alike: GET /reports/ for today, 30 days and 12 months (each compares with the
    period before, so it reads the rollups of two periods and today's posts) through
    Django's test client logged in as the manager (leder), DEBUG off, --rounds (30)
    requests of each; beside it report() of the period alone (the selector the page
    starts from: no view, no template, no period before), and two floors measured in
    the same process: the page's own queries on the rollup tables, as it sent them,
    on a raw cursor; and a trivial page (/bench/ok/, the middleware and the session
    only). The first repeat of each size also prints the slowest queries, their
    plans (EXPLAIN ANALYZE) and a profile of one request.

At the end, a table: size x (rebuild, p50 and p95 of each period, every repeat's
requests together), how each grows from the smallest size to the largest; then each
repeat's p95 and growth on its own; and the issue's target beside them: p95 under
300 ms for any period at 5 M posts, growing at most 3x from 10 k to 5 M, and in how
many of the repeats it held.

Needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialstrategy_bench.
The name must contain "bench": the sizes' databases are created and dropped at the
end (also on an error or Ctrl-C) unless --keep is given, which leaves them; --reuse
measures databases kept that way without loading them again, at the moment they
were loaded for (with the rebuild's figures of then; --rebuild rebuilds again).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialstrategy_bench \\
        .venv/bin/python bench/dashboard.py [--sizes 10000,1000000,5000000] [--rounds 30] [--repeats 3]

It prints figures and asserts nothing. See bench/README.md.
"""

import argparse
import bisect
import contextlib
import cProfile
import json
import os
import platform
import pstats
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.inbox import (  # noqa: E402 - after the project's root is on the path
    _ESCAPES,
    DAY,
    HOUR,
    MATERIAL,
    TEAM_OF_CATEGORY,
    Database,
    _brief,
    _capture,
    _environment,
    _fill,
    _get,
    _kind,
    _load,
    _percentile,
    _stamp,
    _url,
    _weighted,
    check_columns,
    copy_rows,
    prepare,
)

OSLO = ZoneInfo("Europe/Oslo")
DEFAULT_SIZES = "10000,1000000,5000000"
# The target (#13): p95 under this at the largest size, for every period ...
TARGET_P95_MS = 300
TARGET_SIZE = 5_000_000
# ... growing at most this much from 10 k posts to 5 M.
TARGET_GROWTH = 3.0
PERIODS = ("today", "30d", "12m")
# What a load notes of its rebuild, for a later --reuse.
REBUILD_FIGURES = ("rebuild_seconds", "rebuild_rate", "rollups", "rebuild_posts")
# The page's queries on the rollup tables (daily, feedback, own content ...): the floor.
ROLLUP_TABLE = re.compile(r'FROM "inbox_\w*rollup"')

# --- The shape of the data (see bench/README.md) --------------------------------------
YEARS_OF_POSTS = 2
# Of the rows: people's posts; the rest are ours (the platforms' echoes of our replies).
INCOMING_SHARE = 0.9
CHANNEL_SHARES = (("facebook", 60), ("x", 25), ("youtube", 15))
# Posts an hour through an Oslo day (relative), and a day of the week (Monday first);
# a public holiday on a weekday counts as a Sunday. The volume grows by half over the two years.
HOURLY = (
    1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5, 5.5, 5.5, 5.5, 5.5, 5, 4.8, 4.2, 3.8, 3.8, 4.2, 4.2, 3.5, 2.5, 1.6,
)  # fmt: skip
WEEKDAYS = (1.1, 1.0, 1.0, 1.0, 0.9, 0.55, 0.5)
GROWTH = 0.5
MUST_REPLY_SHARE = 0.60
# A must-reply post's first category, with weights; 18 % have a second (dissatisfied: mostly negative).
MUST_REPLY_CATEGORIES = (
    ("product_question", 40),
    ("technical_problem", 28),
    ("factual_error", 10),
    ("dissatisfied_customer", 22),
)
CATEGORIES = ("product_question", "technical_problem", "factual_error", "dissatisfied_customer", "negative")
SECOND_CATEGORY = 0.18
# Of the posts that need no reply: a quarter are negative, the rest have no category.
NEGATIVE_SHARE = 0.25
NEEDS_LOOK_SHARE = 0.04
# Must-reply posts closed without a reply (their reasons, with weights), and never answered at all.
CLOSED_MUST_REPLY = 0.05
MUST_REPLY_REASONS = (("no_reply_needed", 40), ("spam", 35), ("answered_elsewhere", 25))
FORGOTTEN = 0.003
# Posts that need no reply: closed by hand (no reply needed 70 %, spam 30 %), or answered all the same.
CLOSED_OTHER = 0.10
ANSWERED_OTHER = 0.10
# The first response, after publication: (share, shortest, longest) in seconds; slower outside service hours.
RESPONSE_TIMES = ((0.50, 120, HOUR), (0.32, HOUR, 4 * HOUR), (0.13, 4 * HOUR, 20 * HOUR), (0.05, 20 * HOUR, 5 * DAY))
OUTSIDE_SERVICE_HOURS = 1.8
DELETED_SHARE = 0.003
# First responses written here (the outbox sent them, by a member of the post's team); the rest came on
# the platform itself. Posts with a category have a theme half of the time.
FROM_HERE = 0.85
THEMED = 0.5
# The simulated texts (bench/inbox.py's material): a pool of filled-in texts per topic and language.
TEXT_POOL = 200
OTHER_TOPICS = ("praise", "chatter", "tagging", "off_topic")
# Who the authors are to us: target group slug -> weight ("" none: staff have not said).
TARGET_GROUPS = (
    ("existing-customers", 40),
    ("potential-customers", 20),
    ("future-customers", 5),
    ("media", 4),
    ("partners", 3),
    ("own-employees", 3),
    ("potential-employees", 3),
    ("", 22),
)
POSTS_PER_AUTHOR = 25
ECHO_TEXT = "Hei! Takk for at du tar kontakt, vi har svart deg."

POST_COLUMNS = (
    "id",
    "channel_id",
    "external_id",
    "kind",
    "is_ours",
    "parent_id",
    "parent_external_id",
    "thread_external_id",
    "author_id",
    "text",
    "language",
    "url",
    "refused_url",
    "published_at",
    "received_at",
    "deleted_at",
    "raw",
    "status",
    "must_reply",
    "needs_look",
    "categories",
    "priority",
    "due_at",
    "first_response_at",
    "breached_at",
    "team_id",
    "triaged_at",
    "triage_attempts",
    "closed_at",
    "close_reason",
    "theme_id",
    "first_responder_id",
    # The author's target group, as ingest copies it onto the post.
    "target_group_id",
)
OUTBOX_COLUMNS = (
    "channel_id",
    "action",
    "in_reply_to_id",
    "text",
    "idempotency_key",
    "status",
    "external_id",
    "error",
    "response",
    "created_by_id",
    "created_at",
    "sent_at",
)
AUTHOR_COLUMNS = ("id", "platform", "external_id", "name", "handle", "first_seen_at", "last_seen_at", "target_group_id")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"rows in inbox_post, a database each ({DEFAULT_SIZES})")
    parser.add_argument("--rounds", type=int, default=30, help="measured requests of each kind in a repeat (30)")
    parser.add_argument("--repeats", type=int, default=3, help="measuring runs of every size, taken in turns (3)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured requests of each kind first (2)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    parser.add_argument(
        "--at",
        default="evening",
        help="the moment the run takes for now: 'evening' (the last working day at 23:00 in Oslo, when today holds "
        "nearly all its posts), 'now' (the real clock), or an ISO date and time with its offset",
    )
    parser.add_argument("--keep", action="store_true", help="leave every size's database in place at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases an earlier --keep run left, without loading them"
    )
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: rebuild their rollups again, timed")
    # Internal: the parent runs each phase of each size in a process of its own, which writes its figures here.
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=("load", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--clock", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--diagnose", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_size is not None:
        one_size(args)
        return
    try:
        sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error("--sizes: whole numbers separated by commas, e.g. 10000,1000000")
    if not sizes or min(sizes) < 1000:
        parser.error("--sizes: at least 1000 posts each")
    if args.rounds < 1 or args.repeats < 1:
        parser.error("--rounds and --repeats: at least 1")
    try:
        args.moment = moment_of(args.at, time.time())
    except ValueError as error:
        parser.error(f"--at: {error}")
    Database(os.environ.get("DATABASE_URL", ""))  # refuses a wrong name before anything runs
    every_size(args, sizes)


# --- The clock ------------------------------------------------------------------------


def moment_of(at: str, now: float) -> float | None:
    """
    The moment the run takes for now, as a timestamp (None: the real clock). By default
    the last working day at 23:00 in Oslo: "today", which every page counts from the
    posts themselves, then holds 98 % of a busy day's posts, whenever the run starts.
    """
    from inbox.triage.deadlines import is_working_day

    if at == "now":
        return None
    if at == "evening":
        day = datetime.fromtimestamp(now, OSLO).date()
        while True:
            evening = datetime.combine(day, clock(23), tzinfo=OSLO)
            if is_working_day(day) and evening.timestamp() <= now:
                return evening.timestamp()
            day -= timedelta(days=1)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise ValueError(f"{at!r} is neither 'evening', 'now' nor an ISO date and time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{at!r} has no offset (e.g. 2026-11-30T23:00+01:00)")
    if moment.timestamp() > now:
        raise ValueError(f"{at!r} is in the future")
    return moment.timestamp()


def _stopped_clock(moment: float | None):
    """The process's clock (time.time, datetime.now ...) stopped at the run's moment; none for the real clock."""
    if moment is None:
        return contextlib.nullcontext()
    import time_machine

    return time_machine.travel(moment, tick=False)


# --- The parent: a process per size and phase, then the table --------------------------


def size_database(url: str, size: int) -> Database:
    """The database of one size: the name in DATABASE_URL with the size after it."""
    parsed = urlparse(url)
    return Database(parsed._replace(path=f"{parsed.path}_{size}").geturl())


def every_size(args, sizes: list[int]) -> None:
    """
    First each size's database: loaded (or a kept one reused) and its rollups rebuilt.
    Then the measuring, in turns: every repeat measures every size once, the order
    reversed from one repeat to the next, so that a machine that is slower for a while
    weighs on every size alike and the growth from one size to another compares like
    with like. At the end the figures of all repeats together, and of each.
    """
    scratch = Path(tempfile.mkdtemp(prefix="socialstrategy-bench-dashboard-"))
    started = time.perf_counter()
    databases = {size: size_database(os.environ["DATABASE_URL"], size) for size in sizes}
    child = None
    stopping = []

    def stop(*_):
        # The loop below waits for the child and then stops; the databases are dropped in `finally`.
        # (Not child.wait() here: the loop holds that wait, and a second one would never return.)
        stopping.append(True)
        if child is not None and child.poll() is None:
            child.terminate()
        else:
            sys.exit("terminated")

    def run_child(size: int, phase: str, title: str, *extra: str):
        nonlocal child
        result = scratch / f"{size}-{phase}-{len(list(scratch.iterdir()))}.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            f"--one-size={size}",
            f"--phase={phase}",
            f"--result={result}",
            f"--rounds={args.rounds}",
            f"--warmup={args.warmup}",
            f"--seed={args.seed}",
            *extra,
        ]
        if args.moment is not None:
            command.append(f"--clock={args.moment}")
        print(f"\n=== {title} " + "=" * max(4, 80 - len(title)), flush=True)
        child = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": databases[size].url})
        try:
            code = child.wait()
        except KeyboardInterrupt:  # the child had the Ctrl-C too
            child.wait()
            sys.exit("interrupted")
        if stopping:
            sys.exit("terminated")
        if code != 0 or not result.exists():
            sys.exit(f"the {phase} of {size:,} posts ended with exit code {code}: no figures for it")
        return json.loads(result.read_text())

    # Ctrl-C (even when the shell started the script with SIGINT ignored) reaches the child too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop)
    try:
        if args.reuse:
            args.moment = kept_moment(args, databases)
        when = "the real clock" if args.moment is None else datetime.fromtimestamp(args.moment, OSLO).isoformat()
        print(f"now, for this run: {when}", flush=True)
        loads = {}
        for number, size in enumerate(sizes):
            title = f"{size:,} posts: the database and its rollups ({number + 1} of {len(sizes)})"
            flags = (["--reuse"] if args.reuse else []) + (["--rebuild"] if args.rebuild else [])
            loads[size] = run_child(size, "load", title, *flags)
        measured = {size: [] for size in sizes}
        for repeat in range(args.repeats):
            for size in sizes if repeat % 2 == 0 else sizes[::-1]:
                title = f"{size:,} posts: measuring, repeat {repeat + 1} of {args.repeats}"
                measured[size].append(run_child(size, "measure", title, *(["--diagnose"] if repeat == 0 else [])))
        summary(args, sizes, loads, measured)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        for database in databases.values():
            if args.keep:
                print(f"kept database {database.name!r} (--reuse measures it again)")
            else:
                database.drop()
        print(f"total run time {time.perf_counter() - started:.0f} s")


def kept_moment(args, databases: dict[int, Database]) -> float | None:
    """
    The moment the kept databases were loaded for (each notes it): the newest of them,
    so that what they hold is not in the future. A database loaded for another moment
    is loaded again for this one.
    """
    moments = {}
    for size, database in databases.items():
        if database.exists():
            ((noted,),) = database.query("SELECT to_regclass('bench_clock') IS NOT NULL")
            if noted:  # loaded by this script to its end
                ((moments[size],),) = database.query("SELECT moment FROM bench_clock")
    if not moments:
        return args.moment
    newest = max(moments.values())
    for size, moment in moments.items():
        if moment != newest:
            print(f"{databases[size].name!r} was loaded for another moment: loading it again", flush=True)
            databases[size].drop()
    return newest


def summary(args, sizes: list[int], loads: dict[int, dict], measured: dict[int, list[dict]]) -> None:
    """The figures of all repeats together (each size's requests pooled), then each repeat's p95 and growth."""
    pooled = {size: _pooled(measured[size]) for size in sizes}
    requests = args.rounds * args.repeats
    print(f"\n=== the reports page by size: {args.repeats} repeats in turns, {requests} requests of each " + "=" * 20)
    print(
        f"{'posts':>10} {'rollups':>9} {'rebuild s':>10} {'posts/s':>8}"
        + "".join(f" {period + ' p50/p95 ms':>20}" for period in PERIODS)
        + f" {'queries':>9} {'floor 30d/12m':>14} {'ok page':>8}"
    )
    for size in sizes:
        loaded, pages = loads[size], pooled[size]["pages"]
        print(
            f"{size:>10,} {loaded['rollups']:>9,} {loaded['rebuild_seconds']:>10.1f} {loaded['rebuild_rate']:>8,.0f}"
            + "".join(f" {_pair(pages[period]['p50'], pages[period]['p95']):>20}" for period in PERIODS)
            + f" {'/'.join(str(pages[period]['queries']) for period in PERIODS):>9}"
            f" {_pair(pooled[size]['floors']['30d']['p50'], pooled[size]['floors']['12m']['p50']):>14}"
            f" {pooled[size]['ok']['p50']:>8.1f}"
        )
    first, last = sizes[0], sizes[-1]
    if len(sizes) > 1:
        cells = [
            _ratio(pooled[last]["pages"][period][name], pooled[first]["pages"][period][name])
            for period in PERIODS
            for name in ("p50", "p95")
        ]
        floors = [
            _ratio(pooled[last]["floors"][period]["p50"], pooled[first]["floors"][period]["p50"])
            for period in ("30d", "12m")
        ]
        label = f"x{last / first:,.0f} posts:"
        print(
            f"{label:>10} {_ratio(loads[last]['rollups'], loads[first]['rollups']):>9} "
            f"{_ratio(loads[last]['rebuild_seconds'], loads[first]['rebuild_seconds']):>10} {'':>8}"
            + "".join(f" {cells[2 * number] + ' / ' + cells[2 * number + 1]:>20}" for number in range(len(PERIODS)))
            + f" {'':>9} {floors[0] + ' / ' + floors[1]:>14}"
        )
        print(f"  (growth: the largest size's figure over the smallest's, {first:,} to {last:,} posts)")
    print(
        "  p50/p95: the whole page through the test client, every repeat's requests together; queries: SQL queries"
        "\n  a request makes (today/30d/12m); floor: the page's own queries on the rollup tables alone, raw cursor,"
        " p50 ms;\n  ok page: /bench/ok/, p50 ms"
    )
    print(f"\n  each repeat's p95 in ms ({', '.join(PERIODS)}), its ok page's p50, the p95's growth in that repeat:")
    verdicts = []
    # A verdict only where the sizes span the target's (10 k and 5 M), not for other sizes.
    spans = first <= 10_000 and last >= TARGET_SIZE
    for repeat in range(args.repeats):
        cells = []
        for size in sizes:
            figures = measured[size][repeat]["figures"]
            p95s = "/".join(f"{figures[f'page {period}']['p95']:.0f}" for period in PERIODS)
            cells.append(f"{size:,}: {p95s} (ok {figures['ok']['p50']:.1f})")
        growth = _growth(measured[first][repeat]["figures"], measured[last][repeat]["figures"])
        worst = max(measured[last][repeat]["figures"][f"page {period}"]["p95"] for period in PERIODS)
        verdicts.append(_meets(worst, growth, len(sizes) > 1))
        grown = f"; grew at most {growth:.1f}x" if len(sizes) > 1 else ""
        verdict = ("; target met" if verdicts[-1] else "; target NOT met") if spans else ""
        print(f"    repeat {repeat + 1}: {'   '.join(cells)}{grown}{verdict}")
    codes = {result["code"] for runs in measured.values() for result in runs} | {
        loaded["code"] for loaded in loads.values()
    }
    if len(codes) > 1:
        print("  NOT ONE CODE: the project changed during the run, so the figures compare different code:")
        for code in sorted(codes):
            print(f"    {code}")
    else:
        print(f"  code: {codes.pop()}")
    moment = "the real clock" if args.moment is None else datetime.fromtimestamp(args.moment, OSLO).isoformat()
    print(f"  now, for every process of the run: {moment}; today held {loads[last]['today']:,} posts at {last:,}")
    worst = max(pooled[last]["pages"][period]["p95"] for period in PERIODS)
    print(
        f"\n  target (issue #13): p95 under {TARGET_P95_MS} ms for any period at {TARGET_SIZE:,} posts, growing at "
        f"most {TARGET_GROWTH:g}x from 10,000 to {TARGET_SIZE:,}"
    )
    print(f"  here, all repeats together: the slowest period's p95 at {last:,} posts is {worst:,.0f} ms", end="")
    if len(sizes) > 1:
        growth = _growth(pooled[first]["pages_by_name"], pooled[last]["pages_by_name"])
        print(f"; the p95 grew at most {growth:.1f}x from {first:,} posts", end="")
    print(f"; met in {sum(verdicts)} of {len(verdicts)} repeats" if spans else "")
    if not spans:
        print(f"  (the target's sizes are 10,000 and {TARGET_SIZE:,}: these runs do not span them)")


def _pooled(runs: list[dict]) -> dict:
    """One size's figures with the samples of all its repeats together."""
    names = runs[0]["figures"].keys()
    figures = {}
    for name in names:
        samples = [sample for run in runs for sample in run["samples"][name]]
        figures[name] = {
            **runs[0]["figures"][name],
            "p50": _percentile(samples, 0.5) * 1000,
            "p95": _percentile(samples, 0.95) * 1000,
        }
    return {
        "pages": {period: figures[f"page {period}"] for period in PERIODS},
        "pages_by_name": figures,
        "floors": {period: figures[f"floor {period}"] for period in PERIODS},
        "ok": figures["ok"],
    }


def _growth(smallest: dict, largest: dict) -> float:
    """The most any period's page p95 grew from the smallest size to the largest."""
    return max(largest[f"page {period}"]["p95"] / smallest[f"page {period}"]["p95"] for period in PERIODS)


def _meets(worst_p95: float, growth: float, grown: bool) -> bool:
    return worst_p95 < TARGET_P95_MS and (not grown or growth <= TARGET_GROWTH)


def _pair(p50: float, p95: float) -> str:
    return f"{p50:,.0f} / {p95:,.0f}" if p95 >= 10 else f"{p50:.1f} / {p95:.1f}"


def _ratio(large: float, small: float) -> str:
    return f"{large / small:.1f}x" if small else "-"


# --- One size and phase, in its own process -------------------------------------------


def one_size(args) -> None:
    # The code as this process imports it: the project may change while a long run goes on.
    args.code = _code_version()
    database = Database(os.environ.get("DATABASE_URL", ""))
    scratch = Path(tempfile.mkdtemp(prefix="socialstrategy-bench-dashboard-"))
    _environment(database.url, scratch)
    # The project's settings plus the trivial view /bench/ok/, the stack's floor.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    started = time.perf_counter()
    try:
        with _stopped_clock(args.clock):
            result = load_size(args, database, scratch) if args.phase == "load" else measure_size(args, scratch)
        Path(args.result).write_text(json.dumps(result))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; the parent drops the database all the same
            pass
        print(f"{args.phase} with {args.one_size:,} posts: {time.perf_counter() - started:.0f} s", flush=True)


def load_size(args, database: Database, scratch: Path) -> dict:
    """The size's database: created and loaded (or, with --reuse, a kept one that holds the size), rollups rebuilt."""
    size = args.one_size
    reuse = args.reuse and database.exists()
    if not reuse:
        database.create()
    prepare(scratch)
    if reuse:
        from inbox.models import Post

        if Post.objects.count() == size:
            print(f"reusing {database.name!r}: it holds {size:,} posts", flush=True)
        else:
            print(f"{database.name!r} does not hold {size:,} posts: loading them", flush=True)
            from django.db import connections

            connections.close_all()
            database.create()
            prepare(scratch)
            reuse = False
    loaded = {} if reuse else Loader(size, args.seed).load()
    result = {"size": size, "load": loaded, "code": args.code, "today": _today_posts()}
    if reuse and not args.rebuild:
        ((rebuilt,),) = database.query("SELECT rebuilt FROM bench_clock")
        print(f"  the rollups as they were rebuilt after the load: {rebuilt['rebuild_seconds']:.1f} s", flush=True)
        result.update(rebuilt)
        return result
    result.update(rebuild_all())
    rebuilt = json.dumps({name: result[name] for name in REBUILD_FIGURES})
    if reuse:
        database.query("UPDATE bench_clock SET rebuilt = %s", [rebuilt])
    else:
        # The moment it was loaded for, so that a later --reuse takes the same now; and its rebuild.
        database.query("CREATE TABLE bench_clock (moment double precision NOT NULL, rebuilt jsonb NOT NULL)")
        moment = args.clock if args.clock is not None else time.time()
        database.query("INSERT INTO bench_clock VALUES (%s, %s)", [moment, rebuilt])
    return result


def _today_posts() -> int:
    from django.utils import timezone

    from inbox.reports.counting import incoming

    today = timezone.localdate()
    return incoming(today, today).count()


def measure_size(args, scratch: Path) -> dict:
    """One repeat of the measuring, on the size's loaded database."""
    prepare(scratch)
    import_the_page()
    as_served()
    return {"size": args.one_size, "code": args.code, **Measure(args).run()}


def import_the_page() -> None:
    """
    The page's code imported now, with the database it was migrated with, not minutes later
    when the measuring starts: a change made to the project meanwhile is not half in the run.
    """
    from django.template.loader import get_template
    from django.urls import get_resolver

    import inbox.reports.rollups
    import inbox.reports.selectors
    import inbox.views.reports  # noqa: F401 - imported for what it imports

    get_resolver().url_patterns  # noqa: B018 - every view module imported
    get_template("inbox/reports/dashboard.html")


def as_served() -> None:
    """
    The process as a web worker is when it serves: the WSGI module loaded, which also
    leaves the application's objects out of the garbage collector's full passes.
    """
    import socialstrategy.wsgi  # noqa: F401 - loaded for what loading it does


# --- Loading --------------------------------------------------------------------------


class Loader:
    """
    Writes the authors and then the posts day by day, in order of time (so that ids grow
    with time and a day's posts lie together, as in production), as COPY text lines.
    Our echo of a reply follows the post it answers.
    """

    def __init__(self, size: int, seed: int):
        self.size = size
        self.random = random.Random(seed)
        self.now = time.time()
        self.today = datetime.fromtimestamp(self.now, OSLO).date()
        self.first_day = self.today - timedelta(days=365 * YEARS_OF_POSTS)
        self.incoming = round(size * INCOMING_SHARE)
        self.authors = max(100, size // POSTS_PER_AUTHOR)

    def load(self) -> dict:
        from django.core.management.color import no_style
        from django.db import connection, transaction

        from inbox.models import Author, Post
        from strategy.models import Channel, TargetGroup, Team, TeamMembership, Theme

        check_columns(
            (("inbox_post", POST_COLUMNS), ("inbox_author", AUTHOR_COLUMNS), ("inbox_outboxmessage", OUTBOX_COLUMNS))
        )
        self.channels = {channel.platform: channel for channel in Channel.objects.all()}
        missing = {name for name, _ in CHANNEL_SHARES} - set(self.channels)
        if missing:
            sys.exit(f"load_strategy made no channel for {', '.join(sorted(missing))}: the data shape needs all three")
        self.teams = {team.slug: team.pk for team in Team.objects.all()}
        groups = {group.slug: group.pk for group in TargetGroup.objects.all()}
        self.groups = tuple((groups.get(slug), weight) for slug, weight in TARGET_GROUPS if not slug or slug in groups)
        self.themes = list(Theme.objects.values_list("pk", flat=True))
        # Who writes the first responses: the members of the post's team, else the communication unit's.
        self.members: dict[int | None, list[int]] = {}
        for team_id, user_id in TeamMembership.objects.order_by("team_id", "user_id").values_list("team_id", "user_id"):
            self.members.setdefault(team_id, []).append(user_id)
        self.members[None] = self.members.get(self.teams.get("communication-unit"), [])
        self.texts = self._texts()

        print(
            f"loading {self.size:,} posts ({self.incoming:,} by {self.authors:,} authors, the rest ours) over "
            f"{self.first_day} to {self.today} with COPY ...",
            flush=True,
        )
        started = time.perf_counter()
        with transaction.atomic():
            cursor = connection.cursor().cursor  # the driver's own cursor, for COPY
            _, author_wait = copy_rows(cursor, "inbox_author", AUTHOR_COLUMNS, self._author_rows())
            self.outbox = []
            posts, post_wait = copy_rows(cursor, "inbox_post", POST_COLUMNS, self._post_rows(started))
            sent, outbox_wait = copy_rows(cursor, "inbox_outboxmessage", OUTBOX_COLUMNS, self.outbox)
            with connection.cursor() as django_cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [Author, Post]):
                    django_cursor.execute(statement)
            copied = time.perf_counter()
        committed = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) inbox_author")
            cursor.execute("VACUUM (ANALYZE) inbox_post")
            cursor.execute("VACUUM (ANALYZE) inbox_outboxmessage")
        ended = time.perf_counter()
        waited = author_wait + post_wait + outbox_wait
        elapsed = ended - started
        print(
            f"  {posts:,} posts and {sent:,} outbox messages (our replies sent from here) in {elapsed:.0f} s, "
            f"{posts / elapsed:,.0f} posts/s overall (generating the rows in "
            f"Python {copied - started - waited:.0f} s, the server taking the COPY {waited:.0f} s, the commit "
            f"{committed - copied:.0f} s, VACUUM ANALYZE {ended - committed:.0f} s)",
            flush=True,
        )
        return {"posts": posts, "seconds": elapsed}

    def _author_rows(self):
        rng = self.random
        start, now = _stamp(self.now - 365 * YEARS_OF_POSTS * DAY), _stamp(self.now)
        self.by_platform = {name: [] for name, _ in CHANNEL_SHARES}
        self.group_of: dict[int, int | None] = {}
        points = _cumulative(self.groups)
        for number in range(1, self.authors + 1):
            platform_name = CHANNEL_SHARES[0 if number % 20 < 12 else 1 if number % 20 < 17 else 2][0]
            self.by_platform[platform_name].append(number)
            group = self.groups[bisect.bisect(points, rng.random() * points[-1])][0]
            self.group_of[number] = group
            yield (
                number,
                platform_name,
                str(100_000_000_000 + number),
                f"Kunde {number}",
                f"kunde{number}",
                start,
                now,
                group,
            )
        self.ours = {}
        for offset, (platform_name, channel) in enumerate(sorted(self.channels.items()), start=1):
            self.ours[platform_name] = self.authors + offset
            external_id = channel.external_id or platform_name
            yield self.authors + offset, platform_name, external_id, "Bedriften", "bedriften", start, now, None

    def _texts(self) -> dict[tuple[str, str], list[str]]:
        """Filled-in texts per (topic, language) from the simulated material: the feedback rollup counts their words."""
        import yaml

        material = yaml.safe_load(MATERIAL.read_text(encoding="utf-8"))
        rng = random.Random(self.random.random())
        pools = {}
        for topic, texts in material["topics"].items():
            for language in ("nb", "en"):
                pools[topic, language] = [
                    _fill(rng, rng.choice(texts[language]), material["words"], material["people"])
                    for _ in range(TEXT_POOL)
                ]
        return {key: [text.translate(_ESCAPES) for text in pool] for key, pool in pools.items()}

    def _day_counts(self) -> list[tuple[date, int]]:
        """How many of the people's posts each day gets: by weekday, holiday and growth; today as far as it is."""
        from inbox.triage.deadlines import is_public_holiday

        days = (self.today - self.first_day).days + 1
        weights = []
        for offset in range(days):
            day = self.first_day + timedelta(days=offset)
            weight = WEEKDAYS[6 if day.weekday() < 5 and is_public_holiday(day) else day.weekday()]
            weight *= 1 + GROWTH * offset / days
            if day == self.today:
                hour = datetime.fromtimestamp(self.now, OSLO)
                elapsed = sum(HOURLY[: hour.hour]) + HOURLY[hour.hour] * (hour.minute / 60)
                weight *= elapsed / sum(HOURLY)
            weights.append(weight)
        total = sum(weights)
        counts, given, share = [], 0, 0.0
        for offset, weight in enumerate(weights):
            share += weight
            count = round(self.incoming * share / total) - given  # rounding carried, so that they add up
            given += count
            counts.append((self.first_day + timedelta(days=offset), count))
        return counts

    def _post_rows(self, started: float):
        from inbox.triage.deadlines import is_working_day

        rng = self.random
        now = self.now
        hour_points = _cumulative(tuple(enumerate(HOURLY)))
        channel_points = _cumulative(CHANNEL_SHARES)
        response_points = _cumulative(tuple((span, share) for share, *span in RESPONSE_TIMES))
        response_spans = [span for _share, *span in RESPONSE_TIMES]
        team_of = {category: self.teams.get(slug) for category, slug in TEAM_OF_CATEGORY.items()}
        communication_unit = self.teams.get("communication-unit")
        # Our echoes: as many as leave the rows at --sizes, spread over the answered posts.
        echoes_left = self.size - self.incoming
        answered_share = (
            MUST_REPLY_SHARE * (1 - CLOSED_MUST_REPLY - FORGOTTEN) + (1 - MUST_REPLY_SHARE) * ANSWERED_OTHER
        )
        incoming_left = self.incoming
        post_id = 0
        written = 0
        report_every = max(1, self.size // 10)
        next_report = report_every
        null = "\\N"

        for day, count in self._day_counts():
            midnight = datetime.combine(day, clock(0), tzinfo=OSLO).timestamp()
            working = is_working_day(day)
            two = datetime.combine(day, clock(14), tzinfo=OSLO).timestamp()
            four = datetime.combine(day, clock(16), tzinfo=OSLO).timestamp()
            opens, closes = (8, 16) if working else (9, 21)
            moments = []
            while len(moments) < count:
                hour = bisect.bisect(hour_points, rng.random() * hour_points[-1])
                moment = midnight + (hour + rng.random()) * HOUR
                if moment < now - 60:
                    moments.append((moment, hour))
            moments.sort()
            for published, hour in moments:
                post_id += 1
                incoming_left -= 1
                platform_name = CHANNEL_SHARES[bisect.bisect(channel_points, rng.random() * channel_points[-1])][0]
                channel = self.channels[platform_name]
                authors = self.by_platform[platform_name]
                author = authors[int(len(authors) * rng.random() ** 2)]  # some write often, most seldom
                must_reply = rng.random() < MUST_REPLY_SHARE
                due = answered = breached = closed = None
                status, close_reason, team, needs_look = "open", "", None, False
                if must_reply:
                    first = _weighted(rng, MUST_REPLY_CATEGORIES)
                    categories = [first]
                    if rng.random() < SECOND_CATEGORY:
                        if first == "dissatisfied_customer" and rng.random() < 0.7:
                            categories.append("negative")
                        else:
                            categories.append(rng.choice([code for code in CATEGORIES if code != first]))
                    priority = "high" if first in ("dissatisfied_customer", "factual_error") else "normal"
                    if rng.random() < 0.05:
                        priority = "high"
                    team = team_of.get(first)
                    needs_look = rng.random() < NEEDS_LOOK_SHARE
                    # As the strategy's policy: before 14:00 on a working day, due at 16:00; else some hours later.
                    due = four if working and published < two else published + rng.uniform(4, 20) * HOUR
                    fate = rng.random()
                    if fate < CLOSED_MUST_REPLY:
                        closed = published + rng.uniform(600, 2 * DAY)
                        close_reason = _weighted(rng, MUST_REPLY_REASONS)
                    elif fate >= CLOSED_MUST_REPLY + FORGOTTEN:
                        answered = published + self._response(rng, response_points, response_spans, hour, opens, closes)
                else:
                    negative = rng.random() < NEGATIVE_SHARE
                    categories = ["negative"] if negative else []
                    priority = "normal" if negative or rng.random() < 0.3 else "low"
                    team = communication_unit if negative and rng.random() < 0.5 else None
                    fate = rng.random()
                    if fate < CLOSED_OTHER:
                        closed = published + rng.uniform(300, DAY)
                        close_reason = "spam" if rng.random() < 0.3 else "no_reply_needed"
                    elif fate < CLOSED_OTHER + ANSWERED_OTHER:
                        answered = published + self._response(rng, response_points, response_spans, hour, opens, closes)
                if answered is not None and answered > now - 30:
                    answered = None  # not yet: still open
                if closed is not None:
                    if closed > now - 30:
                        closed, close_reason = None, ""
                    else:
                        status = "closed"
                elif answered is not None:
                    status = "answered"
                if due is not None:
                    finished = answered or closed or now
                    breached = due + 30 if finished > due else None
                deleted = published + rng.uniform(HOUR, DAY) if rng.random() < DELETED_SHARE else None
                if deleted is not None and deleted > now:
                    deleted = None
                language = "nb" if rng.random() < 0.75 else "en"
                external_id = str(post_id)
                topic = categories[0] if categories else OTHER_TOPICS[int(rng.random() * len(OTHER_TOPICS))]
                text = rng.choice(self.texts[topic, language])
                theme = rng.choice(self.themes) if categories and self.themes and rng.random() < THEMED else None
                responder = None
                if answered is not None and rng.random() < FROM_HERE:
                    members = self.members.get(team) or self.members[None]
                    responder = members[int(rng.random() * len(members))] if members else None
                yield (
                    f"{post_id}\t{channel.pk}\t{external_id}\t{_kind(rng, platform_name)}\tf\t{null}\t\t\t{author}\t"
                    f"{text}\t{language}\t{_url(platform_name, external_id)}\t\t{_stamp(published)}\t"
                    f"{_stamp(published + 3)}\t{_field_stamp(deleted)}\t{{}}\t{status}\t{'t' if must_reply else 'f'}\t"
                    f"{'t' if needs_look else 'f'}\t{json.dumps(categories)}\t{priority}\t{_field_stamp(due)}\t"
                    f"{_field_stamp(answered)}\t{_field_stamp(breached)}\t{null if team is None else team}\t"
                    f"{_stamp(published + 4)}\t0\t{_field_stamp(closed)}\t{close_reason}\t"
                    f"{null if theme is None else theme}\t{null if responder is None else responder}\t"
                    f"{null if self.group_of[author] is None else self.group_of[author]}"
                )
                written += 1
                # Our reply as the platform echoes it back: a post of ours, at the first response.
                if answered is not None and echoes_left > 0:
                    chance = echoes_left / max(1.0, incoming_left * answered_share + 1)
                    if rng.random() < chance:
                        echoes_left -= 1
                        post_id += 1
                        written += 1
                        yield _ours(
                            post_id,
                            channel.pk,
                            platform_name,
                            self.ours[platform_name],
                            answered,
                            parent=(post_id - 1, external_id),
                        )
                        if responder is not None:  # sent from here: the outbox has it, with the platform's id
                            sent_at = _stamp(answered - 1)
                            self.outbox.append(
                                f"{channel.pk}\treply\t{post_id - 1}\t{ECHO_TEXT}\treply:{post_id - 1}:after:\t"
                                f"sent\t{post_id}\t\t{{}}\t{responder}\t{_stamp(answered - 3)}\t{sent_at}"
                            )
                if written >= next_report:
                    next_report += report_every
                    print(
                        f"  {written:,} rows ({100 * written / self.size:.0f} %), up to {day}, "
                        f"{time.perf_counter() - started:.0f} s",
                        flush=True,
                    )
        # What the echoes left of the rows: publications of ours in the last hour.
        for _ in range(echoes_left):
            post_id += 1
            platform_name = _weighted(rng, CHANNEL_SHARES)
            channel = self.channels[platform_name]
            yield _ours(post_id, channel.pk, platform_name, self.ours[platform_name], now - rng.uniform(60, HOUR))

    @staticmethod
    def _response(rng, points, spans, hour: int, opens: int, closes: int) -> float:
        shortest, longest = spans[bisect.bisect(points, rng.random() * points[-1])]
        seconds = rng.uniform(shortest, longest)
        return seconds if opens <= hour < closes else seconds * OUTSIDE_SERVICE_HOURS


def _ours(post_id: int, channel: int, platform_name: str, author: int, moment: float, parent=None) -> str:
    """A post of ours: the echo of our reply to the parent (id, platform id), or a publication."""
    null = "\\N"
    if parent is None:
        kind, parent_id, parent_external_id, text = "post", null, "", "Nyhet: den nye kolleksjonen er her!"
    else:
        kind, (parent_id, parent_external_id) = "reply", parent
        text = ECHO_TEXT
    return (
        f"{post_id}\t{channel}\t{post_id}\t{kind}\tt\t{parent_id}\t{parent_external_id}\t{parent_external_id}\t"
        f"{author}\t{text}\tnb\t{_url(platform_name, str(post_id))}\t\t{_stamp(moment)}\t{_stamp(moment + 2)}\t"
        f"{null}\t{{}}\tnew\tf\tf\t[]\tnormal\t{null}\t{null}\t{null}\t{null}\t{null}\t0\t{null}\t\t{null}\t{null}\t"
        f"{null}"
    )


def _cumulative(pairs) -> list[float]:
    """The running totals of (value, weight) pairs' weights: bisect a random point times the last to choose."""
    points, total = [], 0.0
    for _value, weight in pairs:
        total += weight
        points.append(total)
    return points


def _field_stamp(moment: float | None) -> str:
    return "\\N" if moment is None else _stamp(moment)


# --- The rebuild ----------------------------------------------------------------------


def rebuild_all() -> dict:
    from django.db import connection
    from django.utils import timezone

    from inbox.models import DailyRollup
    from inbox.reports.counting import incoming
    from inbox.reports.metrics import oslo_day
    from inbox.reports.rollups import rebuild

    yesterday = timezone.localdate() - timedelta(days=1)
    first = incoming(date(2000, 1, 1), yesterday).order_by("published_at").values_list("published_at", flat=True)[:1]
    first_day = oslo_day(first[0]) if first else yesterday
    posts = incoming(first_day, yesterday).count()
    days = (yesterday - first_day).days + 1
    print(
        f"\nrebuilding the rollups of {days} closed days ({first_day} to {yesterday}, {posts:,} posts) ...", flush=True
    )
    began = time.perf_counter()
    written = rebuild(first_day, yesterday)
    seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute(
            r"SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'inbox\_%rollup'"
        )
        tables = sorted(name for (name,) in cursor.fetchall())
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('inbox_dailyrollup'))")
        (table_size,) = cursor.fetchone()
    rows = DailyRollup.objects.count()
    print(
        f"  rebuild({first_day}, {yesterday}): {seconds:.1f} s, {posts / seconds:,.0f} posts/s, "
        f"{seconds / days * 1000:.0f} ms a day; {written:,} rollup rows ({written / days:,.0f} a day, "
        f"{posts / max(1, written):.1f} posts a row; inbox_dailyrollup {table_size} with its indexes; "
        f"VACUUM ANALYZE of {', '.join(tables)})",
        flush=True,
    )
    profile_day(yesterday - timedelta(days=7))
    return {"rebuild_seconds": seconds, "rebuild_rate": posts / seconds, "rollups": rows, "rebuild_posts": posts}


def profile_day(day: date) -> None:
    """One day's rebuild under cProfile: where the time goes."""
    from inbox.reports.counting import incoming
    from inbox.reports.rollups import compute_days

    posts = incoming(day, day).count()
    seconds, stats = _profiled(lambda: compute_days([day]))
    print(
        f"  one day's rebuild under cProfile ({day}, {day:%A}, {posts:,} posts): {seconds * 1000:.0f} ms "
        f"({seconds / max(1, posts) * 1e6:.0f} us a post, with the profiler's overhead); by own time:"
    )
    _print_profile(stats, ("inbox",))


def _profiled(subject) -> tuple[float, pstats.Stats]:
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    subject()
    profiler.disable()
    return time.perf_counter() - began, pstats.Stats(profiler)


def _print_profile(stats: pstats.Stats, packages: tuple[str, ...]) -> None:
    """The functions that took the most time themselves, then the project's by time with their callees."""
    total = sum(entry[2] for entry in stats.stats.values())
    print(f"    {'own s':>7} {'share':>6} {'with callees s':>14} {'calls':>9}  function")
    ordered = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)
    for (path, line, name), (_primitive, calls, own, cumulative, _callers) in ordered[:12]:
        print(f"    {own:7.3f} {own / total:6.1%} {cumulative:14.3f} {calls:9,}  {name} ({_where(path, line)})")
    print("  and the project's functions by time with their callees:")
    prefixes = tuple(str(ROOT / package) + os.sep for package in packages)
    ordered = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)
    mine = [item for item in ordered if item[0][0].startswith(prefixes)]
    for (path, line, name), (_primitive, calls, own, cumulative, _callers) in mine[:10]:
        alone = f"own {own:.3f}"
        print(f"    {cumulative:7.3f} {cumulative / total:6.1%} {alone:>14} {calls:9,}  {name} ({_where(path, line)})")


def _code_version() -> str:
    """The commit measured, and whether the project's files (not bench/) differ from it."""
    try:
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h %cd", "--date=iso"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    changed = [line for line in changed if not line[3:].startswith("bench/")]
    return f"commit {commit}" + (f", with uncommitted changes to {len(changed)} files" if changed else "")


def _where(path: str, line: int) -> str:
    if path == "~":
        return "built-in"
    for prefix in (str(ROOT) + os.sep, sys.prefix + os.sep, os.path.dirname(os.__file__) + os.sep):
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    path = path.split("site-packages" + os.sep, 1)[-1]
    return f"{path}:{line}"


# --- Measuring ------------------------------------------------------------------------


class Measure:
    def __init__(self, args):
        self.args = args

    def run(self) -> dict:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client, override_settings
        from django.urls import reverse
        from django.utils import timezone

        from inbox.reports.selectors import report
        from inbox.views.reports import PeriodForm

        args = self.args
        user = get_user_model().objects.get(username="leder")
        if not user.has_perm("inbox.view_dailyrollup"):
            sys.exit("leder (manager) lacks inbox.view_dailyrollup: has socialstrategy/roles.py changed?")
        client = Client()
        client.force_login(user)
        page = reverse("reports:dashboard")
        today = timezone.localdate()
        urls = {period: f"{page}?period={period}" for period in PERIODS}

        def report_of(period: str):
            first, last, _key = PeriodForm({"period": period}).days(today)
            return (lambda: report(first, last)), (first, last)

        subjects, spans = {}, {}
        for period in PERIODS:
            subjects[f"page {period}"] = lambda url=urls[period]: _get(client, url)
            subjects[f"report {period}"], spans[period] = report_of(period)
        subjects["ok"] = lambda: _get(client, "/bench/ok/")
        if args.diagnose:
            self.describe(today, spans)

        # The warm-ups count the queries with Django's debug cursor; the measured rounds run without it.
        # They run every read in place (READS_ALONGSIDE off), so that the queries counted and the floors
        # are all the page's, not only those of the request's own connection; then one more round with
        # the reads beside it, as measured, uncounted (its threads and their connections made).
        captured = {name: [] for name in subjects}
        with override_settings(READS_ALONGSIDE=False):
            for _ in range(max(1, args.warmup)):
                for name, subject in subjects.items():
                    captured[name].append(_capture(subject))
        for subject in subjects.values():
            subject()
        # The floors: the page's own queries on the rollups, as it sent them, on a raw cursor.
        floors = {}
        for period in PERIODS:
            statements = [query["sql"] for query in captured[f"page {period}"][-1] if ROLLUP_TABLE.search(query["sql"])]
            floors[period] = statements

            def floor(statements=statements) -> None:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
                        cursor.fetchall()

            subjects[f"floor {period}"] = floor
            captured[f"floor {period}"] = [_capture(floor)]
        # In turns, so that whatever else the machine does weighs on every subject alike.
        samples = {name: [] for name in subjects}
        rounds_started = time.perf_counter()
        for number in range(args.rounds):
            for name, subject in subjects.items():
                began = time.perf_counter()
                subject()
                samples[name].append(time.perf_counter() - began)
            if number == 0:
                estimate = (time.perf_counter() - rounds_started) * args.rounds
                print(f"  measuring: {args.rounds} rounds, about {estimate:.0f} s ...", flush=True)

        def figure(name: str) -> dict:
            runs = captured[name]
            return {
                "p50": _percentile(samples[name], 0.5) * 1000,
                "p95": _percentile(samples[name], 0.95) * 1000,
                # The fewest of the warm-ups: every TRIAGE_VERSION_CHECK_SECONDS a request reads the rulebook again.
                "queries": min(len(run) for run in runs),
                "queries_max": max(len(run) for run in runs),
                "sql_ms": _percentile([sum(float(query["time"]) for query in run) for run in runs], 0.5) * 1000,
            }

        figures = {name: figure(name) for name in subjects}
        print(f"\n{'':56} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'p50 / floor':>12}")
        for period in PERIODS:
            first, last = spans[period]
            floor_p50 = figures[f"floor {period}"]["p50"]
            rows = (
                (f"page {period}", f"{period}: page GET {urls[period]}"),
                (f"report {period}", f"  report() of the period alone ({first}..{last})"),
                (f"floor {period}", f"  floor: the page's {len(floors[period])} queries on rollup tables"),
            )
            for name, label in rows:
                found = figures[name]
                ratio = f"{found['p50'] / floor_p50:11.1f}x" if floor_p50 else f"{'-':>12}"
                print(
                    f"{label:56} {found['p50']:8.1f} {found['p95']:8.1f} {found['queries']:8d} "
                    f"{found['sql_ms']:8.1f} {ratio}"
                )
        found = figures["ok"]
        print(
            f"{'trivial page GET /bench/ok/ (the stack alone)':56} {found['p50']:8.1f} {found['p95']:8.1f} "
            f"{found['queries']:8d} {found['sql_ms']:8.1f}"
        )
        varying = [name for name, found in figures.items() if found["queries_max"] != found["queries"]]
        if varying:
            print(
                f"  queries: the fewest of the warm-ups; {', '.join(varying)} made up to "
                f"{max(figures[name]['queries_max'] - figures[name]['queries'] for name in varying)} more in one "
                "(the rulebook's tables, read again for today's service times when older than "
                f"TRIAGE_VERSION_CHECK_SECONDS, {settings.TRIAGE_VERSION_CHECK_SECONDS:g} s)"
            )
        print(
            f"  {args.rounds} rounds after {max(1, args.warmup) + 1} warm-ups, in turns; queries and SQL ms (median) "
            "counted in the warm-ups with every read in place,\n  whose debug cursor times each query with the "
            "driver's work (the measured rounds run the page's slowest reads beside it, on connections of their own); "
            f"load average {_load()} after measuring (above {os.cpu_count()}: other work shared the cores)"
        )
        if args.diagnose:
            self.diagnose(captured, subjects)
        return {"figures": figures, "samples": samples}

    def diagnose(self, captured: dict, subjects: dict) -> None:
        """Where the time goes: the slowest queries, two plans, and a profile of one request."""
        for period in ("30d", "12m"):
            print(f"  the slowest queries of the {period} page in its last warm-up:")
            for query in sorted(captured[f"page {period}"][-1], key=lambda query: float(query["time"]), reverse=True)[
                :4
            ]:
                print(f"    {_brief(query)}")
        # The plans of the slowest query on the rollups (of the 12-month page, as its floor's capture timed
        # them) and of the slowest other query (of the 30-day page's last warm-up).
        slowest = max(captured["floor 12m"][-1], key=lambda query: float(query["time"]), default=None)
        if slowest is not None:
            self.explain("the 12-month page's slowest query on the rollups", slowest["sql"])
        others = [query for query in captured["page 30d"][-1] if not ROLLUP_TABLE.search(query["sql"])]
        slowest = max(others, key=lambda query: float(query["time"]), default=None)
        if slowest is not None and slowest["sql"].startswith("SELECT"):
            self.explain("the 30-day page's slowest other query", slowest["sql"])
        seconds, stats = _profiled(subjects["page 12m"])
        print(
            f"\n  one request of the 12-month page under cProfile: {seconds * 1000:.0f} ms with the profiler; "
            "by own time:"
        )
        _print_profile(stats, ("inbox", "strategy", "socialstrategy"))

    def describe(self, today: date, spans: dict) -> None:
        from django.db import connection

        from inbox.models import Author, DailyRollup, Post
        from inbox.reports.counting import incoming

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
            settings = {}
            for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"):
                cursor.execute(f"SHOW {name}")
                (settings[name],) = cursor.fetchone()
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('inbox_post'))")
            (size,) = cursor.fetchone()
        posts = Post.objects.count()
        people = incoming(date(2000, 1, 1), today).count()
        must_reply = incoming(date(2000, 1, 1), today).filter(must_reply=True)
        waiting = must_reply.filter(first_response_at__isnull=True, status__in=("new", "open")).count()
        closed = incoming(date(2000, 1, 1), today).filter(status="closed").exclude(close_reason="").count()
        authors = Author.objects.count()
        grouped = Author.objects.filter(target_group__isnull=False).count()
        rollups = DailyRollup.objects.count()
        year = DailyRollup.objects.filter(day__gte=spans["12m"][0]).count()
        print("\nsocialstrategy reports benchmark")
        print(f"  machine:  {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
        print(f"            PostgreSQL on the same machine; load average {_load()} before measuring")
        print(
            f"  database: PostgreSQL {version} ({connection.settings_dict['NAME']}; "
            f"inbox_post with its indexes: {size}); " + ", ".join(f"{name} {value}" for name, value in settings.items())
        )
        print(
            f"  rows:     {posts:,} posts ({people:,} by people, {posts - people:,} ours or deleted); "
            f"{must_reply.count():,} must be answered, {waiting:,} still waiting; {closed:,} closed with a reason; "
            f"{authors:,} authors, {grouped:,} with a target group"
        )
        print(f"  rollups:  {rollups:,} rows, {year:,} of them in the last 12 months")
        print(f"  code:     {self.args.code} (when this size's run started)")
        print("  measured: Django's test client in this process, logged in as leder (manager), DEBUG off")

    def explain(self, title: str, statement: str) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            plan = [line for (line,) in cursor.fetchall()]
        print(f"\n  {title}:")
        print(f"    {_brief({'sql': statement, 'time': '0'})[10:]}")
        print("  EXPLAIN (ANALYZE, BUFFERS): its top and its end")
        top = 10
        ending = [
            line
            for line in plan[top:]
            if not line.startswith(" ") or line.lstrip().startswith(("Functions:", "Timing:"))
        ]
        for line in plan[:top] + (["    ..."] if len(plan) > top else []) + ending:
            print(f"    {line[:160]}")


if __name__ == "__main__":
    main()
