from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db.models import Q

from requests_app.models import CURATED

# What each group may do to every curated model: curators add and correct, editors also delete.
ROLES = {
    "curator": ["view", "add", "change"],
    "editor": ["view", "add", "change", "delete"],
}
# Editors also unlock accounts that django-axes locked out after failed logins: they see the
# attempts (Axes › Access attempts) and delete the one that locks.
UNLOCKING = {
    "editor": [
        "view_accessattempt",
        "delete_accessattempt",
        "view_accesslog",
        "view_accessfailurelog",
    ],
}


class Command(BaseCommand):
    help = (
        "Create or update the groups 'curator' (add and change facts and articles, no deletes) "
        "and 'editor' (everything, and unlocking locked-out logins). Safe to run again. Give a "
        "user a role in the admin: make "
        "them staff and add them to the group."
    )

    def handle(self, *args, **options) -> None:
        for name, actions in ROLES.items():
            codenames = [
                f"{action}_{model._meta.model_name}" for model in CURATED for action in actions
            ]
            permissions = Permission.objects.filter(
                Q(content_type__app_label="requests_app", codename__in=codenames)
                | Q(content_type__app_label="axes", codename__in=UNLOCKING.get(name, []))
            )
            group, created = Group.objects.get_or_create(name=name)
            group.permissions.set(permissions)
            verb = "Created" if created else "Updated"
            self.stdout.write(
                f"{verb} group “{name}”: {len(permissions)} permissions ({', '.join(actions)})."
            )
