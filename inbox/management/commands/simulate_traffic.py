"""
Send a running server realistic, signed Facebook and X webhook deliveries.

The demo has no platform to call it, so this plays the platforms: customers asking
about products, reporting problems, complaining, praising, chatting and tagging
friends, in bokmål and English, as comments, replies in threads, visitor posts,
Messenger messages, mentions, replies and direct messages, with one edit and one
delete per run. What they write is in inbox/data/simulated_posts.yaml. The wire
formats are those of ../shared/PLATFORMS.md, signed with the secrets in settings,
so the server treats them exactly as it would treat the platforms' own.
"""

import http.client
import os
import random
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from inbox.connectors import facebook, x
from inbox.connectors.base import hmac_sha256
from inbox.simulation.material import (
    DEFAULT_MATERIAL,
    DEMO_CHANNEL_IDS,
    PLATFORM_NAMES,
    REQUEST_TIMEOUT,
    SECRET_SETTINGS,
    USER_AGENT,
    Delivery,
    Material,
)
from inbox.simulation.traffic import Traffic
from strategy.models import Channel


class Command(BaseCommand):
    help = (
        "Send a running server realistic, signed Facebook and X webhook deliveries: customers writing in "
        "bokmål and English (inbox/data/simulated_posts.yaml). Signs with FACEBOOK_APP_SECRET and "
        "X_CONSUMER_SECRET, which must equal the server's. The same --seed sends the same deliveries again."
    )

    def add_arguments(self, parser):
        port = os.environ.get("PORT") or "8000"
        parser.add_argument(
            "--url", default=f"http://127.0.0.1:{port}", help="The server (default: http://127.0.0.1:$PORT or 8000)."
        )
        parser.add_argument("--count", type=int, default=20, help="How many deliveries to send (default 20).")
        parser.add_argument(
            "--rate", type=float, default=2.0, help="Deliveries a second (default 2; 0 sends as fast as answered)."
        )
        parser.add_argument("--seed", type=int, help="Make the run repeatable (default: a new random run).")
        parser.add_argument(
            "--wait-for-server",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Wait up to this long for the server's /health/ to answer before sending.",
        )
        parser.add_argument(
            "--channel-ids",
            metavar="facebook=ID,x=ID",
            default="",
            help="The Facebook page id and X account id to write to "
            "(default: the active channels in the database, else the demo ids).",
        )
        parser.add_argument("--material", type=Path, default=DEFAULT_MATERIAL, help="The YAML file of what to write.")

    def handle(self, *args, **options):
        count, rate = options["count"], options["rate"]
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if rate < 0:
            raise CommandError("--rate must be zero (as fast as possible) or more.")
        secrets = {"facebook": settings.FACEBOOK_APP_SECRET, "x": settings.X_CONSUMER_SECRET}
        unset = [SECRET_SETTINGS[platform] for platform, secret in secrets.items() if not secret]
        if unset:
            raise CommandError(
                f"{' and '.join(unset)} not set, so the deliveries cannot be signed. Set the same value the "
                "server runs with (make demo exports demo values)."
            )
        material = Material(options["material"])
        ids, x_handle = self._channels(options["channel_ids"], material)
        seed = options["seed"] if options["seed"] is not None else random.SystemRandom().randrange(1_000_000)
        rng = random.Random(seed)  # noqa: S311 - made-up posts, repeatable by seed; nothing secret
        traffic = Traffic(material, rng, page_id=ids["facebook"], x_account_id=ids["x"], x_handle=x_handle)
        base = options["url"].rstrip("/")
        target = urlsplit(base)
        if target.scheme not in ("http", "https") or not target.hostname:
            raise CommandError(f"--url {options['url']!r}: expected http://host:port")
        if options["wait_for_server"] > 0:
            self._wait_for_server(target, options["wait_for_server"])

        if options["verbosity"] >= 1:
            pace = f"at {rate:g} a second" if rate else "as fast as the server answers"
            self.stdout.write(
                f"simulate_traffic: sending {count} deliveries to {base} {pace} (seed {seed}; "
                f"Facebook page {ids['facebook']}, X account {ids['x']})"
            )
        statuses: Counter = Counter()
        platforms: Counter = Counter()
        started = time.monotonic()
        for index, delivery in enumerate(traffic.deliveries(count)):
            if rate:
                pause = started + index / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            sent_at = time.monotonic()
            try:
                status = self._post(target, delivery, secrets[delivery.platform])
            except (OSError, http.client.HTTPException) as exc:
                self._summary(base, statuses, platforms, started, seed, options["verbosity"])
                raise CommandError(
                    f"Could not reach {base}: {exc}. Is the server running? --wait-for-server SECONDS waits for it."
                ) from exc
            statuses[status] += 1
            platforms[delivery.platform] += 1
            if options["verbosity"] >= 2:
                text = delivery.description.replace("\n", " ")
                text = text if len(text) <= 80 else text[:79] + "…"
                self.stdout.write(
                    f"{index + 1:>5}/{count} {delivery.platform:<8} {delivery.kind:<14} {status} "
                    f"{(time.monotonic() - sent_at) * 1000:>5.0f} ms  {text}"
                )
            if status == 403:
                self._summary(base, statuses, platforms, started, seed, options["verbosity"])
                name = SECRET_SETTINGS[delivery.platform]
                raise CommandError(
                    f"The server refused the signature of a {PLATFORM_NAMES[delivery.platform]} delivery "
                    f"(HTTP 403). Check {name}: this command signs with the {name} of its own environment, "
                    "and it must equal the server's."
                )
        self._summary(base, statuses, platforms, started, seed, options["verbosity"])
        refused = sum(number for status, number in statuses.items() if not 200 <= status < 300)
        if refused:
            raise CommandError(f"{refused} of {count} deliveries were not accepted; see the server's log.")

    def _channels(self, given: str, material: Material) -> tuple[dict[str, str], str]:
        ids = dict(DEMO_CHANNEL_IDS)
        x_handle = material.x_handle
        try:
            channels = list(
                Channel.objects.filter(platform__in=list(ids), is_active=True)
                .exclude(external_id="")
                .order_by("pk")
                .values_list("platform", "external_id", "handle")
            )
        except DatabaseError:
            # No database here, or not migrated: the demo ids will do.
            channels = []
        for platform, external_id, handle in reversed(channels):
            ids[platform] = external_id
            if platform == "x" and handle:
                x_handle = handle.lstrip("@")
        for pair in filter(None, (part.strip() for part in given.replace(" ", ",").split(","))):
            platform, _, external_id = pair.partition("=")
            if platform not in ids or not external_id:
                raise CommandError(f"--channel-ids: expected facebook=ID,x=ID, not {pair!r}")
            ids[platform] = external_id
        return ids, x_handle

    def _post(self, target, delivery: Delivery, secret: str) -> int:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if delivery.platform == "facebook":
            headers[facebook.SIGNATURE_HEADER] = "sha256=" + hmac_sha256(secret, delivery.body).hex()
        else:
            headers[x.SIGNATURE_HEADERS[0]] = x.sign(secret, delivery.body)
        path = f"{target.path}/webhooks/{delivery.platform}/"
        return _request(target, "POST", path, delivery.body, headers)

    def _wait_for_server(self, target, seconds: float) -> None:
        path = f"{target.path}/health/"
        deadline = time.monotonic() + seconds
        last_error = "no answer"
        while True:
            try:
                status = _request(target, "GET", path, None, {"User-Agent": USER_AGENT}, timeout=2)
                if status == 200:
                    return
                last_error = f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                last_error = str(exc)
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"{target.scheme}://{target.netloc}{path} did not answer 200 within {seconds:g} s ({last_error})."
                )
            time.sleep(0.5)

    def _summary(self, base, statuses: Counter, platforms: Counter, started: float, seed: int, verbosity: int):
        if verbosity < 1:
            return
        elapsed = time.monotonic() - started
        sent = sum(statuses.values())
        answers = ", ".join(f"HTTP {status}: {number}" for status, number in sorted(statuses.items())) or "none"
        per_platform = ", ".join(f"{number} {PLATFORM_NAMES[name]}" for name, number in sorted(platforms.items()))
        noun = "delivery" if sent == 1 else "deliveries"
        style = self.style.SUCCESS if set(statuses) <= {200} else self.style.WARNING
        self.stdout.write(
            style(
                f"simulate_traffic: sent {sent} {noun} ({per_platform or 'none'}) to {base} in {elapsed:.1f} s "
                f"({sent / elapsed if elapsed else 0:.1f} a second): {answers}. Seed {seed}."
            )
        )


def _request(target, method: str, path: str, body: bytes | None, headers: dict, timeout=REQUEST_TIMEOUT) -> int:
    connection_class = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(target.hostname, target.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
