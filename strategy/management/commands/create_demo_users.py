from datetime import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from socialstrategy import roles
from strategy.models import DutyShift, Team, TeamMembership

DEMO_PASSWORD = "demo"  # noqa: S105 - the demo password, printed by make demo; refused outside DEBUG

# username, first name, last name, role, (team slug, is lead, on duty)
# A second member of the communication unit can approve replies to negative posts.
DEMO_USERS = [
    ("kommunikasjon", "Ingrid", "Berg", roles.COMMUNICATION_UNIT, ("communication-unit", True, True)),
    ("kollega", "Kari", "Lie", roles.COMMUNICATION_UNIT, ("communication-unit", False, True)),
    ("leder", "Lars", "Haugen", roles.MANAGER, None),
    ("ansatt", "Ola", "Hansen", roles.EMPLOYEE, ("customer-service", False, True)),
]
WEEKDAYS, WEEKEND = (0, 1, 2, 3, 4), (5, 6, DutyShift.Day.HOLIDAY)
# The demo's rota covers every service hour of every team the matrix routes to
# (working hours Mon-Fri 08-16; on duty 09-21 on weekends and public holidays), so
# that posts land with people: username, team, days, from, to.
DEMO_ROTA = [
    ("kommunikasjon", "communication-unit", WEEKDAYS, time(8), time(16)),
    ("kollega", "communication-unit", WEEKEND, time(9), time(21)),
    ("ansatt", "customer-service", WEEKDAYS, time(8), time(16)),
    ("kollega", "customer-service", WEEKEND, time(9), time(21)),
    ("kollega", "technical-support", WEEKDAYS, time(8), time(16)),
    ("kollega", "technical-support", WEEKEND, time(9), time(21)),
]


class Command(BaseCommand):
    help = (
        "Create the demo users kommunikasjon and kollega (communication unit), leder (manager), ansatt (employee) "
        "and the superuser admin, "
        f"all with the password '{DEMO_PASSWORD}'. For the demo only: refuses to run unless DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo users have a known password; with DEBUG off, pass --force if you really mean it.")
        User = get_user_model()
        with transaction.atomic():
            for username, first_name, last_name, role, team in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first_name,
                        "last_name": last_name,
                        "email": f"{username}@bedriften.example",
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
                if team is not None:
                    slug, is_lead, on_duty = team
                    team_obj = Team.objects.filter(slug=slug).first()
                    if team_obj is None:
                        raise CommandError(f"Team {slug!r} does not exist: run load_strategy first.")
                    TeamMembership.objects.get_or_create(
                        team=team_obj, user=user, defaults={"is_lead": is_lead, "on_duty": on_duty}
                    )
                self.stdout.write(f"  {username:<14} {role}{' (created)' if created else ''}")
            for username, slug, days, start, end in DEMO_ROTA:
                user, team_obj = User.objects.get(username=username), Team.objects.get(slug=slug)
                TeamMembership.objects.get_or_create(team=team_obj, user=user)
                for day in days:
                    DutyShift.objects.get_or_create(
                        team=team_obj, user=user, day=day, start=start, defaults={"end": end}
                    )
            self.stdout.write(f"  rota: {DutyShift.objects.count()} shifts over {len(DEMO_ROTA)} lines")
            admin, created = User.objects.get_or_create(
                username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@bedriften.example"}
            )
            if created:
                admin.set_password(DEMO_PASSWORD)
                admin.save(update_fields=["password"])
            self.stdout.write(f"  {'admin':<14} superuser{' (created)' if created else ''}")
        self.stdout.write(self.style.SUCCESS(f"Demo users ready; the password is '{DEMO_PASSWORD}'."))
