"""The holiday table's pages: the years, and one year's days computed beside the stored ones,
edited to match the Government's announcement and confirmed. Administrators (superusers) only:
everyone else gets 404, as for any page they cannot see (see services/holidays.py for why)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.lib import vnholidays

from . import selectors, services
from .forms import HolidayConfirmForm, HolidayForm, WorkdayForm
from .models import Holiday, MakeUpWorkday


def _moved(count: int) -> str:
    if not count:
        return _("Không kỳ báo cáo nào phải đổi hạn gửi.")
    return ngettext(
        "Hạn gửi của %(count)d kỳ báo cáo chưa đến hạn đã được tính lại.",
        "Hạn gửi của %(count)d kỳ báo cáo chưa đến hạn đã được tính lại.",
        count,
    ) % {"count": count}


@login_required
def holiday_years(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404
    wanted = request.GET.get("year", "").strip()
    if wanted:
        if wanted.isdigit() and vnholidays.FIRST_YEAR <= int(wanted) <= vnholidays.LAST_YEAR:
            return redirect("reporting:holiday-year", year=int(wanted))
        messages.error(
            request,
            _("Nhập một năm từ %(first)d đến %(last)d.")
            % {"first": vnholidays.FIRST_YEAR, "last": vnholidays.LAST_YEAR},
        )
    return render(request, "reporting/holiday_year_list.html", {"years": selectors.holiday_year_list()})


@login_required
def holiday_year(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """GET fills a year the table lacks with the law's baseline (unconfirmed); POST edits it."""
    if not request.user.is_superuser or not vnholidays.FIRST_YEAR <= year <= vnholidays.LAST_YEAR:
        raise Http404
    services.holiday_year_ensure(year=year)
    holiday_form, workday_form = HolidayForm(), WorkdayForm()
    confirm_form = HolidayConfirmForm()
    if request.method == "POST":
        action = request.POST.get("action")
        form: Form | None = None
        try:
            if action == "add":
                form = holiday_form = HolidayForm(request.POST)
                if form.is_valid():
                    day = form.cleaned_data["day"]
                    moved = services.holiday_add(
                        user=request.user,
                        day=day,
                        name=form.cleaned_data["name"],
                        kind=form.cleaned_data["kind"],
                    )
                    messages.success(request, _("Đã thêm ngày nghỉ %(d)s.") % {"d": f"{day:%d/%m/%Y}"})
                    messages.info(request, _moved(moved))
            elif action == "workday":
                form = workday_form = WorkdayForm(request.POST)
                if form.is_valid():
                    day = form.cleaned_data["day"]
                    moved = services.workday_add(user=request.user, day=day, name=form.cleaned_data["name"])
                    messages.success(request, _("Đã thêm ngày làm việc bù %(d)s.") % {"d": f"{day:%d/%m/%Y}"})
                    messages.info(request, _moved(moved))
            elif action == "remove":
                holiday = get_object_or_404(Holiday, pk=request.POST.get("pk"), day__year=year)
                moved = services.holiday_remove(user=request.user, holiday=holiday)
                messages.success(request, _("Đã xóa ngày nghỉ %(d)s.") % {"d": f"{holiday.day:%d/%m/%Y}"})
                messages.info(request, _moved(moved))
            elif action == "remove-workday":
                workday = get_object_or_404(MakeUpWorkday, pk=request.POST.get("pk"), day__year=year)
                moved = services.workday_remove(user=request.user, workday=workday)
                messages.success(
                    request, _("Đã xóa ngày làm việc bù %(d)s.") % {"d": f"{workday.day:%d/%m/%Y}"}
                )
                messages.info(request, _moved(moved))
            elif action == "confirm":
                form = confirm_form = HolidayConfirmForm(request.POST)
                if form.is_valid():
                    services.holiday_year_confirm(
                        user=request.user, year=year, source=form.cleaned_data["source"]
                    )
                    messages.success(
                        request,
                        _("Đã xác nhận lịch nghỉ năm %(y)d theo thông báo của Chính phủ.") % {"y": year},
                    )
            else:
                raise Http404
        except (ValueError, TypeError) as exc:  # a pk that is not a number
            raise Http404 from exc
        except DomainError as exc:
            messages.error(request, exc.localized_message)
            return redirect(request.path)
        if form is None or form.is_valid():
            return redirect(request.path)
    return render(
        request,
        "reporting/holiday_year_detail.html",
        {
            "detail": selectors.holiday_year_detail(year),
            "holiday_form": holiday_form,
            "workday_form": workday_form,
            "confirm_form": confirm_form,
            "previous_year": year - 1 if year > vnholidays.FIRST_YEAR else None,
            "next_year": year + 1 if year < vnholidays.LAST_YEAR else None,
        },
    )
