"""Knowledge-base test helpers: a KB admin and the demo articles."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD, Cast

# Until roles.py grants the knowledge permissions, the helpers add them to the users directly
# (a no-op once the roles carry them).
REP_PERMISSIONS = ["view_article", "add_article"]
ADMIN_PERMISSIONS = [*REP_PERMISSIONS, "change_article", "publish_article", "view_searchlog"]


def grant(user: Any, codenames: list[str]) -> Any:
    from django.contrib.auth.models import Permission

    missing = [c for c in codenames if not user.has_perm(f"knowledge.{c}")]
    if missing:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="knowledge", codename__in=missing)
        )
    from hragency.accounts.models import User

    return User.objects.get(pk=user.pk)  # fresh permission cache


def make_kb_admin(cast: Cast, username: str = "kb_admin") -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    user = create_user(
        username=username,
        password=PASSWORD,
        display_name="杨知识" if username == "kb_admin" else "许知识",
        roles=[Role.KB_ADMIN],
        department=cast.department,
    )
    return grant(user, ADMIN_PERMISSIONS)


def reps(cast: Cast) -> Cast:
    cast.rep_a = grant(cast.rep_a, REP_PERMISSIONS)
    cast.rep_b = grant(cast.rep_b, REP_PERMISSIONS)
    cast.supervisor = grant(cast.supervisor, REP_PERMISSIONS)
    return cast


def seed(cast: Cast, kb_admin: Any) -> list[Any]:
    from hragency.knowledge.demo import seed_demo

    return seed_demo(users={"rep_a": cast.rep_a, "kb_admin": kb_admin})
