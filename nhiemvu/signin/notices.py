"""What the login page tells a person the directory would not let in, through Django's messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _


def tell(request: HttpRequest | None, text: str) -> None:
    if request is not None and hasattr(request, "_messages"):
        messages.error(request, text, fail_silently=True)
        request.nhiemvu_signin_told = True  # type: ignore[attr-defined]


def told(request: HttpRequest) -> bool:
    """Whether this request already said why the sign-in failed."""
    return bool(getattr(request, "nhiemvu_signin_told", False))


def refuse(request: HttpRequest | None) -> None:
    """The person is known to the directory but holds no role in nhiemvu: refused, and told why."""
    tell(
        request,
        _(
            "Tài khoản của anh/chị trong danh bạ của tỉnh chưa được gán vai trò nào trong nhiemvu "
            "(chưa thuộc nhóm nào được ánh xạ tới một cơ quan, đơn vị). Xin liên hệ Phòng Kế hoạch – "
            "Tài chính hoặc bộ phận quản trị hệ thống để được cấp quyền."
        ),
    )
