from rest_framework.permissions import BasePermission

from .models import Role


class HasRole(BasePermission):
    roles: tuple[str, ...] = ()

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role in self.roles)


class IsConsumer(HasRole):
    roles = (Role.CONSUMER,)


class IsMerchantOwner(HasRole):
    roles = (Role.MERCHANT_OWNER,)


class IsMerchantMember(HasRole):
    """Owner or staff of a merchant; what staff may do is checked per action."""

    roles = (Role.MERCHANT_OWNER, Role.MERCHANT_STAFF)
