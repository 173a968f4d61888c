from .access import principal_for
from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    principal = principal_for(user)
    return {"principal": principal, "nav_items": navigation_for(principal, user)}
