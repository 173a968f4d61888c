from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from organizations.demo import seed_demo
from organizations.models import Role


class Command(BaseCommand):
    help = "Load demo operators, companies, calls and one login per role (idempotent); prints the logins."

    def handle(self, *args, **options):
        logins, created = seed_demo()
        # Later apps add their demo data through their own `demo.seed_demo()`, found by name so this
        # command does not import apps that depend on organizations.
        for config in apps.get_app_configs():
            if config.name == "organizations":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            created += module.seed_demo()
            logins += getattr(module, "DEMO_LOGINS", [])  # logins an app's demo adds (role, email, password)
        self.stdout.write(
            f"seed_demo: {created} rows created" if created else "seed_demo: demo data already present"
        )
        self.stdout.write("Demo logins (password is the same for all):")
        for role, email, password in logins:
            self.stdout.write(f"  {role:<18} {Role(role).label:<10} {email:<30} {password}")
