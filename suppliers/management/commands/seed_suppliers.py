from django.core.management.base import BaseCommand, CommandError

from suppliers.generate import timed_generate


class Command(BaseCommand):
    help = "Generate realistic supplier companies with full profiles in bulk (the scale benchmark's data)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="how many suppliers (default 1000)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        ids, seconds = timed_generate(count, seed=seed)
        self.stdout.write(f"seed_suppliers: {len(ids)} suppliers created in {seconds:.1f} s")
