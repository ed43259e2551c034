from django.core.management.base import BaseCommand, CommandError

from organisation.member_import import MemberFileError, import_members


class Command(BaseCommand):
    help = (
        "Import a member list (.xlsx or .csv) with columns found by header, in "
        "Chinese or English. Rejected rows are listed with their row number and "
        "reason and not written; good rows are imported; companies are matched by "
        "credit code. Exits non-zero when any row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The member list, .xlsx or .csv.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Write nothing; report only."
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            report = import_members(file, dry_run=dry_run)
        except MemberFileError as error:
            raise CommandError(str(error)) from None
        would = "would be " if dry_run else ""
        counts = (len(report.created), len(report.updated), len(report.unchanged))
        self.stdout.write(
            "{} {w}created, {} {w}updated, {} unchanged, ".format(*counts, w=would)
            + f"{len(report.rejected)} rejected."
        )
        for row, reason in report.rejected:
            self.stderr.write(f"{file}: row {row}: {reason}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} row(s) rejected; see above.")
