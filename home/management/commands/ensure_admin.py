import os
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

USERNAME = "admin"
# Wagtail's account settings require a first name, a last name and an email: an
# admin made without them could not save its own account page.
PROFILE_DEFAULTS = {
    "first_name": ("CMS_ADMIN_FIRST_NAME", "Site"),
    "last_name": ("CMS_ADMIN_LAST_NAME", "Administrator"),
    "email": ("CMS_ADMIN_EMAIL", "admin@localhost"),
}


def profile_from_environment():
    """The admin's name and email, from the environment or the defaults."""
    profile = {}
    for field, (variable, default) in PROFILE_DEFAULTS.items():
        value = os.environ.get(variable, default).strip()
        if not value:
            raise CommandError(f"{variable} is set but empty.")
        profile[field] = value
    try:
        validate_email(profile["email"])
    except ValidationError:
        raise CommandError(
            f"CMS_ADMIN_EMAIL is not an email address: {profile['email']!r}."
        ) from None
    return profile


class Command(BaseCommand):
    help = (
        "Make sure the 'admin' superuser exists. Its password comes from "
        "DJANGO_SUPERUSER_PASSWORD; without it, a new user gets a generated password "
        "that is printed once, and an existing user keeps its own. Its name and "
        "email come from CMS_ADMIN_FIRST_NAME, CMS_ADMIN_LAST_NAME and "
        "CMS_ADMIN_EMAIL, and fill only what an existing user lacks."
    )

    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if "DJANGO_SUPERUSER_PASSWORD" in os.environ and not password.strip():
            raise CommandError("DJANGO_SUPERUSER_PASSWORD is set but empty.")
        profile = profile_from_environment()
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            generated = not password
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(USERNAME, password=password, **profile)
            self.stdout.write(f"Created the admin user '{USERNAME}'.")
            if generated:
                self.stdout.write(
                    f"Its generated password, shown this once: {password}\n"
                    "(set DJANGO_SUPERUSER_PASSWORD to choose it yourself)"
                )
            return
        missing = [field for field in profile if not getattr(user, field)]
        for field in missing:
            setattr(user, field, profile[field])
        if missing:
            user.save(update_fields=missing)
            self.stdout.write(f"Filled in the {', '.join(missing)} of '{USERNAME}'.")
        if password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(
                f"Set the password of '{USERNAME}' from DJANGO_SUPERUSER_PASSWORD."
            )
        elif not missing:
            self.stdout.write(f"The admin user '{USERNAME}' exists.")
