import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Make sure the 'admin' superuser exists. Its password comes from "
        "DJANGO_SUPERUSER_PASSWORD; without it, a new user gets a generated password "
        "that is printed once, and an existing user is left as it is."
    )

    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if "DJANGO_SUPERUSER_PASSWORD" in os.environ and not password.strip():
            raise CommandError("DJANGO_SUPERUSER_PASSWORD is set but empty.")
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            generated = not password
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(USERNAME, email="", password=password)
            self.stdout.write(f"Created the admin user '{USERNAME}'.")
            if generated:
                self.stdout.write(
                    f"Its generated password, shown this once: {password}\n"
                    "(set DJANGO_SUPERUSER_PASSWORD to choose it yourself)"
                )
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(
                f"Set the password of '{USERNAME}' from DJANGO_SUPERUSER_PASSWORD."
            )
        else:
            self.stdout.write(f"The admin user '{USERNAME}' exists.")
