"""Pages of the closed loop. Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from investrack.accounts import permissions
from investrack.accounts.models import Department
from investrack.accounts.permissions import require_editor
from investrack.closed_loop import notifications, selectors, services
from investrack.closed_loop.forms import (
    ApprovalItemForm,
    ProblemFilterForm,
    ProblemRaiseForm,
    ProblemReassignForm,
    ProblemStepForm,
)
from investrack.closed_loop.lights import LightBook
from investrack.closed_loop.models import ProblemCategory
from investrack.core.forms import add_service_error
from investrack.core.units import format_date
from investrack.projects import selectors as project_selectors

STEPS = {
    # step: (service, the name of its text argument, whether the text is required)
    "accept": (services.problem_accept, "text", False),
    "start": (services.problem_start, "text", False),
    "resolve": (services.problem_resolve, "reply", True),
    "confirm": (services.problem_confirm, "text", False),
    "reopen": (services.problem_reopen, "reason", True),
}


@login_required
@require_safe
def problem_list(request):
    views = [
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("resolved", _("Awaiting confirmation")),
        ("closed", _("Confirmed")),
        ("all", _("All")),
    ]
    form = ProblemFilterForm(request.GET, views=views)
    chosen = form.chosen()
    problems = selectors.problem_list(
        user=request.user,
        view=chosen["view"],
        department=chosen["department"].pk if chosen["department"] else None,
        category=chosen["category"],
    )
    page = Paginator(problems, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "closed_loop/problems.html",
        {
            "page": page,
            "form": form,
            # a department's staff see their own department's workbench, without choosing
            "is_workbench": permissions.is_department_staff(request.user),
            "view": chosen["view"],
            "views": views,
            "counts": selectors.problem_counts(user=request.user),
            "departments": Department.objects.all(),
            "department": str(chosen["department"].pk) if chosen["department"] else "",
            "categories": ProblemCategory.choices,
            "category": chosen["category"],
        },
    )


def _problem_context(request, problem, **forms):
    user = request.user
    return {
        "problem": problem,
        "timeline": selectors.problem_timeline(problem=problem),
        "attachments": problem.attachments.all(),
        "may_handle": permissions.may_handle(user, problem),
        "may_close": permissions.may_close(user, problem),
        "is_bureau": permissions.is_bureau(user),
        "step_form": forms.get("step_form")
        or ProblemStepForm(initial={"version": problem.version}),
        "reassign_form": forms.get("reassign_form")
        or ProblemReassignForm(
            initial={
                "version": problem.version,
                "department": problem.department_id,
                "working_days": problem.working_days,
            }
        ),
        "failed_step": forms.get("failed_step"),
    }


@login_required
@require_safe
def problem_detail(request, pk: int):
    problem = selectors.problem_detail(user=request.user, pk=pk)
    return render(request, "closed_loop/problem.html", _problem_context(request, problem))


@login_required
@require_POST
def problem_step(request, pk: int, step: str):
    if step not in STEPS and step != "note":
        raise Http404
    problem = selectors.problem_detail(user=request.user, pk=pk)
    form = ProblemStepForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "note":
                services.problem_note(
                    actor=request.user, problem=problem, text=data["text"], files=data["files"]
                )
            else:
                service, text_arg, _required = STEPS[step]
                kwargs = {text_arg: data["text"], "version": data["version"]}
                if step == "resolve":
                    kwargs["files"] = data["files"]
                service(actor=request.user, problem=problem, **kwargs)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(problem)
    problem = selectors.problem_detail(user=request.user, pk=pk)
    context = _problem_context(request, problem, step_form=form, failed_step=step)
    return render(request, "closed_loop/problem.html", context, status=422)


@login_required
@require_POST
def problem_reassign(request, pk: int):
    problem = selectors.problem_detail(user=request.user, pk=pk)
    if not permissions.is_bureau(request.user):  # refused before the form is even read
        raise PermissionDenied(_("The city bureau routes problems to departments."))
    form = ProblemReassignForm(request.POST)
    if form.is_valid():
        try:
            services.problem_reassign(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The problem went to %(d)s.") % {"d": problem.department})
            return redirect(problem)
    context = _problem_context(request, problem, reassign_form=form, failed_step="reassign")
    return render(request, "closed_loop/problem.html", context, status=422)


@login_required
@require_safe
def problem_file(request, pk: int, file_id: int):
    problem = selectors.problem_detail(user=request.user, pk=pk)
    attachment = get_object_or_404(problem.attachments, pk=file_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_raise(request, pk: int):
    require_editor(request.user)
    project = project_selectors.project_detail(user=request.user, pk=pk)
    form = ProblemRaiseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_raise(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Problem raised and sent to %(department)s; deadline %(deadline)s.")
                % {"department": problem.department, "deadline": format_date(problem.deadline)},
            )
            return redirect(project)
    return render(
        request,
        "projects/action_form.html",
        {"form": form, "project": project, "title": _("Raise a problem"), "multipart": True},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def approval_checklist_create(request, pk: int):
    project = project_selectors.project_detail(user=request.user, pk=pk)
    added = services.approval_checklist_create(actor=request.user, project=project)
    messages.success(request, _("%(n)s approval items added.") % {"n": added})
    return redirect(project.get_absolute_url() + "#approvals")


@login_required
@require_http_methods(["GET", "POST"])
def approval_item_edit(request, pk: int):
    item = selectors.approval_item(user=request.user, pk=pk)
    if not permissions.may_update_approval(request.user, item):
        raise PermissionDenied(_("Your role may not change approval items."))
    form = ApprovalItemForm(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.approval_item_update(
                actor=request.user,
                item=item,
                status=data["status"],
                submitted_on=data["submitted_on"],
                approved_on=data["approved_on"],
                agent=data["agent"],
                note=data["note"],
                document=data["document"],
                version=data["version"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(item)s saved.") % {"item": item.name})
            return redirect(item.project.get_absolute_url() + "#approvals")
    return render(
        request,
        "projects/action_form.html",
        {"form": form, "project": item.project, "title": item.name, "multipart": True},
        status=422 if form.errors else 200,
    )


@login_required
@require_safe
def approval_document(request, pk: int):
    item = selectors.approval_item(user=request.user, pk=pk)
    if not item.document:
        raise Http404
    return FileResponse(item.document.open("rb"), as_attachment=True, filename=item.document_name)


@login_required
@require_safe
def leader_view(request):
    book = LightBook.load()
    projects = project_selectors.ListPaginator(
        selectors.leader_projects(user=request.user, book=book), settings.PAGE_SIZE, book=book
    ).get_page(request.GET.get("page"))
    for project in projects:
        project.reasons = book.reasons(project)
    problems = selectors.problem_list(user=request.user, view="open").filter(
        project__linked_leaders__user=request.user
    )[:100]
    return render(
        request,
        "closed_loop/leader.html",
        {"projects": projects, "page": projects, "problems": problems},
    )


@login_required
@require_safe
def inbox(request):
    page = Paginator(notifications.inbox(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "closed_loop/inbox.html", {"page": page})


@login_required
@require_safe
def inbox_badge(request):
    count = notifications.unread_count(request.user)
    return HttpResponse(str(count) if count else "")


@login_required
@require_safe
def inbox_open(request, pk: int):
    note = get_object_or_404(notifications.inbox(request.user), pk=pk)
    notifications.mark_read(user=request.user, pk=note.pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("service:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    notifications.mark_read(user=request.user)
    return redirect("service:inbox")
