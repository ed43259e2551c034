from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from organisation.member_import import (
    Decisions,
    MemberFileError,
    plan_import,
    write,
)


class Command(BaseCommand):
    help = (
        "Import a member list (.xlsx or .csv) with columns found by header, in "
        "Chinese or English. Rejected rows are listed with their row number, column "
        "and reason and not written; good rows are imported; companies are matched "
        "by credit code. Regions and industries the site does not have reject their "
        "rows unless --create-labels; a name another credit code already has is "
        "skipped as a possible duplicate unless --import-duplicates. Exits non-zero "
        "when any row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The member list, .xlsx or .csv.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Write nothing; report only."
        )
        parser.add_argument(
            "--create-labels",
            action="store_true",
            help="Create the regions and industries the file names and the site "
            "does not have (otherwise their rows are rejected).",
        )
        parser.add_argument(
            "--import-duplicates",
            action="store_true",
            help="Import rows whose company name another credit code already has "
            "(otherwise they are skipped).",
        )

    def handle(self, *args, file, dry_run, create_labels, import_duplicates, **opts):
        try:
            plan = plan_import(file)
        except MemberFileError as error:
            raise CommandError(str(error)) from None
        plan = plan.decided(
            Decisions(
                create_labels=set(plan.new_labels) if create_labels else set(),
                import_duplicates=(
                    {row.number for row in plan.duplicates}
                    if import_duplicates
                    else set()
                ),
            )
        )
        if not dry_run:
            write(plan)
        counts = {
            "created": len(plan.create),
            "updated": len(plan.update),
            "unchanged": len(plan.unchanged),
            "skipped": len(plan.skipped),
            "rejected": len(plan.rejected),
        }
        summary = (
            gettext(
                "%(created)d would be created, %(updated)d would be updated, "
                "%(unchanged)d unchanged, %(skipped)d skipped, %(rejected)d rejected."
            )
            if dry_run
            else gettext(
                "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(skipped)d skipped, %(rejected)d rejected."
            )
        )
        self.stdout.write(summary % counts)
        for label in plan.new_labels.values():
            self.stdout.write(
                gettext("New %(kind)s “%(name)s” (rows %(rows)s).")
                % {
                    "kind": label.kind,
                    "name": label.name,
                    "rows": ", ".join(map(str, label.rows)),
                }
            )
        for row, reason in sorted(plan.rejected + plan.skipped):
            self.stderr.write(
                gettext("%(file)s: row %(row)d: %(reason)s")
                % {"file": file, "row": row, "reason": reason}
            )
        if plan.rejected:
            raise CommandError(
                ngettext(
                    "%(count)d row rejected; see above.",
                    "%(count)d rows rejected; see above.",
                    len(plan.rejected),
                )
                % {"count": len(plan.rejected)}
            )
