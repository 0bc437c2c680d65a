from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from requests_app.models import CURATED

# What each group may do to every curated model: curators add and correct, editors also delete.
ROLES = {
    "curator": ["view", "add", "change"],
    "editor": ["view", "add", "change", "delete"],
}


class Command(BaseCommand):
    help = (
        "Create or update the groups 'curator' (add and change facts and articles, no deletes) "
        "and 'editor' (everything). Safe to run again. Give a user a role in the admin: make "
        "them staff and add them to the group."
    )

    def handle(self, *args, **options) -> None:
        for name, actions in ROLES.items():
            codenames = [
                f"{action}_{model._meta.model_name}" for model in CURATED for action in actions
            ]
            permissions = Permission.objects.filter(
                content_type__app_label="requests_app", codename__in=codenames
            )
            group, created = Group.objects.get_or_create(name=name)
            group.permissions.set(permissions)
            verb = "Created" if created else "Updated"
            self.stdout.write(
                f"{verb} group “{name}”: {len(permissions)} permissions ({', '.join(actions)})."
            )
