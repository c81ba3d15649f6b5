"""`crm erp_account [--username erp] [--rotate]`: the ERP's service account and a new API token."""

from django.core.management.base import BaseCommand

from crm.orders.services import erp_account_issue


class Command(BaseCommand):
    help = "Create the ERP's service account (it can only push to /api/v1/integration/) and print a new API token."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="erp")
        parser.add_argument("--rotate", action="store_true", help="revoke the account's earlier tokens")

    def handle(self, *args, username, rotate, **options):
        user, key = erp_account_issue(username=username, rotate=rotate)
        self.stdout.write(f"account: {user.username}\ntoken: {key}\n")
        self.stdout.write("Send it as: Authorization: Token <token>\n")
