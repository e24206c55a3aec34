"""manage.py create_api_client: register a message service and print its token (once)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from addressbook.models import Organization
from addressbook.services.api_clients import api_client_create
from addressbook.validators import participant_identifier_for_lookup


class Command(BaseCommand):
    help = "Create an API client (e.g. a message service) and print its token. The token is not shown again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="A unique name, e.g. 'Malmö stad meddelandetjänst'.")
        parser.add_argument("--organization", help="Participant identifier of the organisation running it.")
        parser.add_argument("--contact", default="", help="Who to contact about the client.")
        parser.add_argument(
            "--expires-in-days", type=int, help="The token stops working after this many days."
        )
        parser.add_argument("--rate", default="", help="Rate limit, e.g. 6000/min (default: the server's).")

    def handle(self, *args, **options) -> None:
        organization = None
        if options["organization"]:
            organization = (
                Organization.objects.participants()
                .filter(participant_identifier=participant_identifier_for_lookup(options["organization"]))
                .first()
            )
            if organization is None:
                raise CommandError(f"No participant organisation {options['organization']!r}.")
        expires_at = None
        if options["expires_in_days"] is not None:
            if options["expires_in_days"] < 1:
                raise CommandError("--expires-in-days must be 1 or more.")
            expires_at = timezone.now() + datetime.timedelta(days=options["expires_in_days"])
        try:
            client, token = api_client_create(
                name=options["name"],
                organization=organization,
                contact=options["contact"],
                expires_at=expires_at,
                throttle_rate=options["rate"],
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        self.stdout.write(f"API client {client.name!r} created (id {client.pk}).")
        self.stdout.write("Its token, shown only now; send it as 'Authorization: Bearer <token>':")
        self.stdout.write(token)
