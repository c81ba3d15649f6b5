"""API authentication by `Authorization: Token <key>` (keys issued at /api/v1/auth/token/)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from crm.identity.tokens import token_user


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        user = token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return user, key

    def authenticate_header(self, request):
        return self.keyword
