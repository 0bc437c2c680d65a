from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from aidtracker.tokens import delete_expired


class Command(BaseCommand):
    help = (
        "Make an API token for an account and print it: it is shown this once, kept only as a "
        "hash, and expires after API_TOKEN_DAYS days. Revoke it in the admin (Knox › Auth tokens)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account named “{username}”.")
        if not user.is_active:
            raise CommandError(f"The account “{username}” is inactive: enable it in the admin.")
        delete_expired(user)
        token, key = AuthToken.objects.create(user=user)
        # The key alone on stdout, for scripts: TOKEN=$(manage.py api_token ana).
        self.stdout.write(key)
        self.stderr.write(
            f"A token for “{username}”, valid until {token.expiry:%-d %B %Y %H:%M} UTC: send it as "
            "`Authorization: Token <key>`. It cannot be shown again."
        )
