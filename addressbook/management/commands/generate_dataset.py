"""manage.py generate_dataset: a realistic, seeded directory for benchmarks, through the real triggers."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from addressbook.services.dataset import DatasetRefusedError, dataset_generate


class Command(BaseCommand):
    help = (
        "Generate N organisations and M function addresses (Swedish names, organisation trees, a "
        "classification hierarchy, some inactive and some updated records) for benchmarks. The same "
        "--seed gives the same data. Refuses a database that already has organisations unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organizations", type=int, required=True, help="How many organisations.")
        parser.add_argument("--addresses", type=int, required=True, help="How many function addresses.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument(
            "--force", action="store_true", help="Generate even into a database that already has data."
        )
        parser.add_argument(
            "--workers", type=int, help="Connections writing addresses (default: 2 on a multi-core machine)."
        )

    def handle(self, *args, organizations, addresses, seed, force, workers, **options) -> None:
        try:
            report = dataset_generate(
                organizations=organizations,
                addresses=addresses,
                seed=seed,
                force=force,
                workers=workers,
                progress=lambda message: self.stdout.write(message),
            )
        except (DatasetRefusedError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.organizations:,} organisations ({report.participants:,} participants), "
                f"{report.function_addresses:,} function addresses "
                f"({report.inactive_function_addresses:,} inactive), {report.classifications:,} "
                f"classifications and {report.codes} codes; updated {report.updated_organizations:,} "
                f"organisations and {report.updated_function_addresses:,} addresses afterwards. "
                f"Total {report.seconds:.1f} s."
            )
        )
