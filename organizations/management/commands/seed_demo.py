from django.core.management.base import BaseCommand

from organizations.demo import seed_demo
from organizations.models import Role


class Command(BaseCommand):
    help = "Load demo operators, companies and one login per role (idempotent); prints the logins."

    def handle(self, *args, **options):
        logins, created = seed_demo()
        self.stdout.write(
            f"seed_demo: {created} rows created" if created else "seed_demo: demo data already present"
        )
        self.stdout.write("Demo logins (password is the same for all):")
        for role, email, password in logins:
            self.stdout.write(f"  {role:<18} {Role(role).label:<10} {email:<30} {password}")
