"""API tokens (django-rest-knox), checked by reading only the token a request sends."""

from django.utils import timezone
from knox import auth
from knox.models import get_token_model
from knox.signals import token_expired


class TokenAuthentication(auth.TokenAuthentication):
    """knox's, without reading every token of the account on each request.

    knox reads all of an account's tokens whenever one is used, to delete those that have
    expired: an account with 200 tokens made every request of its scripts read 200 rows. Here
    a request reads its own token; an expired token is deleted when it is sent, and an
    account's expired tokens when it is given a new one (`delete_expired`)."""

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


def delete_expired(user) -> None:
    """Delete the account's expired tokens."""
    get_token_model().objects.filter(user=user, expiry__lt=timezone.now()).delete()
