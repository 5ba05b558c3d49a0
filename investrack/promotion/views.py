"""The promotion front's pages: the conflict queue (撞单仲裁), a lead's visits and contacts, events
and ceremonies, the pipeline, the chains' target enterprises. Thin: selectors read, services write."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from investrack.accounts.models import Role, User
from investrack.accounts.permissions import get_for_user_or_404, is_bureau, scope, user_may_place
from investrack.core.forms import add_service_error
from investrack.projects import services as project_services
from investrack.projects.models import Project, Stage
from investrack.promotion import services
from investrack.promotion.cards import conflict_cards, duplicate_cards
from investrack.promotion.conflicts import lead_conflicts
from investrack.promotion.duplicates import duplicate_candidates
from investrack.promotion.forms import (
    ContactForm,
    DuplicateDecisionForm,
    EventForm,
    EventProjectsForm,
    LeadDecisionForm,
    TargetForm,
    VisitForm,
)
from investrack.promotion.models import (
    InvestorContact,
    PromotionEvent,
    TargetEnterprise,
    masked_email,
    masked_phone,
)
from investrack.promotion.pipeline import AGES, ageing_leads, pipeline
from investrack.promotion.selectors import (
    CANDIDATE_STAGES,
    CANDIDATES_SHOWN,
    event_candidates,
    event_projects,
    events_for,
    targets,
)
from investrack.regions.models import ChainLink, IndustryChain


def _queue(request, *, failed=None, form=None, status=200):
    if not request.user.can_edit_projects:
        raise PermissionDenied(_("The conflict queue is for the investment staff and the bureau."))
    conflicts = lead_conflicts(request.user)
    cards = conflict_cards(
        request,
        conflicts,
        may_decide=is_bureau(request.user),
        failed=failed,
        form=form or LeadDecisionForm(),
    )
    context = {"conflicts": conflicts, "cards": cards}
    return render(request, "promotion/conflicts.html", context, status=status)


@login_required
@require_safe
def conflicts(request):
    return _queue(request)


def _bureau_decides(request, form, decide, *, queue, back: str, refusal: str):
    """The bureau's decision on a pair (a conflict, a duplicate): the service decides; the
    queue comes again with the typed form on a refusal."""
    if not is_bureau(request.user):
        raise PermissionDenied(refusal)
    if form.is_valid():
        try:
            decide(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Decided; both sides are told."))
            return redirect(back)
    return queue(request, form=form, status=422)


@login_required
@require_POST
def decide(request, first: int, second: int):
    return _bureau_decides(
        request,
        LeadDecisionForm(request.POST),
        functools.partial(services.lead_decide, first_id=first, second_id=second),
        queue=functools.partial(_queue, failed=f"{first}-{second}"),
        back="promotion:conflicts",
        refusal=_("Only the city bureau arbitrates conflicting leads."),
    )


def _owners(project: Project):
    region = project.region
    return (
        User.objects.filter(is_active=True, role__in=[Role.COUNTY_STAFF, Role.CITY_ADMIN])
        .filter(
            Q(region=region)
            | Q(park__region=region)
            | Q(role=Role.CITY_ADMIN, region=region.parent)
        )
        .order_by("role", "full_name", "username")
    )


def _lead(request, pk: int) -> Project:
    return get_for_user_or_404(
        request.user, Project.objects.select_related("region", "park", "investor"), pk=pk
    )


def _may_log(user, project: Project) -> bool:
    return (
        user_may_place(user, region=project.region, park=project.park)
        and user.can_edit_projects
        and not project.is_dropped
    )


def _visits_page(request, project, *, form=None, contact_form=None, revealed=None, status=200):
    may_log = _may_log(request.user, project)
    contacts = []
    if project.investor_id:
        for contact in project.investor.contacts.select_related("region"):
            shown = revealed is not None and contact.pk == revealed.pk
            contacts.append(
                {
                    "contact": contact,
                    "phone": contact.phone if shown else masked_phone(contact.phone),
                    "email": contact.email if shown else masked_email(contact.email),
                    "shown": shown,
                    "may_reveal": services.may_reveal(request.user, contact),
                }
            )
    context = {
        "project": project,
        "visits": project.visits.select_related("next_owner", "recorded_by"),
        "form": form
        or VisitForm(owners=_owners(project), initial={"visited_on": project_services.today()}),
        "contact_form": contact_form or ContactForm(),
        "contacts": contacts,
        "may_log": may_log,
    }
    return render(request, "promotion/visits.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visits(request, pk: int):
    """The story of the talks on one project, the investor's contacts (masked), and for
    its editors a visit to log."""
    project = _lead(request, pk)
    if request.method != "POST":
        return _visits_page(request, project)
    if not _may_log(request.user, project):
        raise PermissionDenied(_("Only the project's investment staff log its visits."))
    form = VisitForm(request.POST, owners=_owners(project))
    if form.is_valid():
        try:
            services.visit_record(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Visit logged."))
            return redirect("promotion:visits", pk=project.pk)
    return _visits_page(request, project, form=form, status=422)


@login_required
@require_POST
def contact_add(request, pk: int):
    project = _lead(request, pk)
    if not _may_log(request.user, project):
        raise PermissionDenied(_("Only the project's investment staff record its contacts."))
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("promotion:visits", pk=project.pk)
    return _visits_page(request, project, contact_form=form, status=422)


@login_required
@require_POST
def contact_reveal(request, pk: int, contact: int):
    """The contact's phone and e-mail in full, for one who may see them (audited)."""
    project = _lead(request, pk)
    found = get_object_or_404(InvestorContact, pk=contact, investor_id=project.investor_id)
    services.contact_reveal(actor=request.user, contact=found, project=project)
    return _visits_page(request, project, revealed=found)


# --- promotion events and mass ceremonies (招商活动, 集中签约/开工/竣工) --------------------


def _event_kind(value: str) -> str:
    return value if value in PromotionEvent.Kind.values else PromotionEvent.Kind.CONFERENCE


@login_required
@require_safe
def events(request):
    visible = scope(request.user, Project.objects.all()).values("pk")
    mine = Q(links__project__in=visible)
    rows = (
        events_for(request.user)
        .select_related("region", "park")
        .annotate(
            shown=Count("links", filter=mine),
            invested=Sum("links__project__total_investment", filter=mine),
        )
        .order_by("-held_on", "-pk")
    )
    kind = request.GET.get("kind", "")
    if kind in PromotionEvent.Kind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": PromotionEvent.Kind.choices, "kind": kind}
    return render(request, "promotion/events.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request):
    if not request.user.can_edit_projects:
        raise PermissionDenied(_("Only investment staff record promotion events."))
    kind = _event_kind(request.POST.get("kind") or request.GET.get("kind", ""))
    q = request.GET.get("q", "")
    candidates = event_candidates(request.user, kind, q=q)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        candidates=candidates,
        initial={"kind": kind, "held_on": project_services.today()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("kind", "name", "held_on", "place", "note")}
            try:
                event = services.event_record(
                    actor=request.user,
                    data=data,
                    projects=list(form.cleaned_data["projects"]),
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Event recorded."))
                return redirect("promotion:event", pk=event.pk)
        status = 422
    context = {
        "form": form,
        "kind": kind,
        "kinds": PromotionEvent.Kind.choices,
        "q": q,
        "ceremony": kind in CANDIDATE_STAGES,
        **_candidates_context(form, candidates),
    }
    return render(request, "promotion/event_form.html", context, status=status)


def _candidates_context(form, candidates) -> dict:
    ticked = set(form.data.getlist("projects")) if form.is_bound else set()
    shown = list(candidates[:CANDIDATES_SHOWN])
    return {
        "candidates": shown,
        "candidates_more": len(shown) == CANDIDATES_SHOWN,
        "ticked": ticked,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event(request, pk: int):
    """An event and its projects; its editors add the projects it brought later."""
    event = get_object_or_404(events_for(request.user).select_related("region", "park"), pk=pk)
    projects = event_projects(request.user, event).select_related("region", "park")
    may_add = request.user.can_edit_projects and user_may_place(
        request.user, region=event.region, park=event.park
    )
    q = request.GET.get("q", "")
    candidates = event_candidates(request.user, event.kind, q=q).exclude(event_links__event=event)
    form = EventProjectsForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied(_("Only the organiser's investment staff add projects."))
        if form.is_valid():
            try:
                added = services.event_add_projects(
                    actor=request.user, event=event, projects=list(form.cleaned_data["projects"])
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("%(n)s projects added.") % {"n": added})
                return redirect("promotion:event", pk=event.pk)
        status = 422
    figures = projects.aggregate(n=Count("pk"), invested=Sum("total_investment"))
    by_stage = dict(projects.values_list("stage").annotate(n=Count("pk")).order_by())
    context = {
        "event": event,
        "projects": projects.order_by("-total_investment", "pk"),
        "figures": figures,
        "hidden": event.links.count() - figures["n"],
        "by_stage": [(s, by_stage.get(s.value, 0)) for s in Stage if by_stage.get(s.value)],
        "may_add": may_add,
        "form": form,
        "q": q,
        **_candidates_context(form, candidates),
    }
    return render(request, "promotion/event.html", context, status=status)


@login_required
@require_safe
def event_evidence(request, pk: int):
    event = get_object_or_404(events_for(request.user), pk=pk)
    if not event.evidence:
        raise Http404(_("This event has no evidence file."))
    return FileResponse(event.evidence.open("rb"), as_attachment=True, filename=event.evidence_name)


# --- the pipeline (招商漏斗) ---------------------------------------------------------------


class _PipelineQuery(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    ageing = forms.ChoiceField(
        choices=[("", "")] + [(f"{lo}-{hi or ''}", "") for lo, hi in AGES], required=False
    )


@login_required
@require_safe
def pipeline_view(request):
    today = project_services.today()
    query = _PipelineQuery(request.GET)
    if not query.is_valid():
        messages.error(request, _("That year or band is not one we know: this year is shown."))
        return redirect("promotion:pipeline")
    year = query.cleaned_data["year"] or today.year
    band = query.cleaned_data["ageing"]
    figures = pipeline(request.user, year, today)
    band_page = None
    if band:
        band_page = Paginator(ageing_leads(request.user, band, today), 50).get_page(
            request.GET.get("page")
        )
    context = {
        "p": figures,
        "band": band,
        "band_page": band_page,
        "years": range(today.year, today.year - 5, -1),
        "today": today,
    }
    return render(request, "promotion/pipeline.html", context)


# --- target enterprises of the chains (招商目标企业库) ----------------------------------------


def _targets_page(request, *, form=None, status=200):
    chain = IndustryChain.objects.filter(pk=request.GET.get("chain") or 0).first()
    link = ChainLink.objects.filter(pk=request.GET.get("link") or 0).first()
    rows = TargetEnterprise.objects.select_related("chain_link__chain", "region")
    if link is not None:
        rows = rows.filter(chain_link=link)
        chain = link.chain
    elif chain is not None:
        rows = rows.filter(chain_link__chain=chain)
    rows = list(targets(rows).order_by("chain_link__segment", "chain_link__position", "name"))
    leads = [t.lead_id for t in rows if t.lead_id]
    for t in rows:
        t.lead_stage_label = Stage(t.lead_stage).label if t.lead_stage else ""
    visible = set(
        scope(request.user, Project.objects.filter(pk__in=leads)).values_list("pk", flat=True)
    )
    context = {
        "targets": rows,
        "visible": visible,
        "chain": chain,
        "link": link,
        "chains": IndustryChain.objects.order_by("pk"),
        "form": form or TargetForm(chain=chain, initial={"chain_link": link}),
        "may_add": request.user.can_edit_projects,
    }
    return render(request, "promotion/targets.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def targets_view(request):
    if request.method != "POST":
        return _targets_page(request)
    if not request.user.can_edit_projects:
        raise PermissionDenied(_("Only investment staff add target enterprises."))
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            target = services.target_add(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Target enterprise added."))
            return redirect(f"{reverse('promotion:targets')}?link={target.chain_link_id}")
    return _targets_page(request, form=form, status=422)


@login_required
@require_POST
def target_contacted(request, pk: int):
    target = get_object_or_404(TargetEnterprise, pk=pk)
    services.target_mark_contacted(actor=request.user, target=target)
    messages.success(request, _("Marked contacted."))
    return redirect(f"{reverse('promotion:targets')}?link={target.chain_link_id}")


# --- projects counted twice (重复统计) ----------------------------------------------------

DUPLICATES_PER_PAGE = 50


def _duplicates_page(request, *, failed=None, form=None, status=200):
    if not request.user.can_edit_projects:
        raise PermissionDenied(
            _("The duplicates report is for the investment staff and the bureau.")
        )
    found = duplicate_candidates(request.user)
    number = request.GET.get("page")
    refused = found.position(*map(int, failed.split("-"))) if failed else None
    if refused is not None:  # the page holding the pair refused, with its form as typed
        number = refused // DUPLICATES_PER_PAGE + 1
    page = Paginator(found, DUPLICATES_PER_PAGE).get_page(number)
    cards = duplicate_cards(
        request,
        page,
        may_decide=is_bureau(request.user),
        failed=failed,
        form=form or DuplicateDecisionForm(),
    )
    context = {"candidates": page, "total": len(found), "cards": cards}
    return render(request, "promotion/duplicates.html", context, status=status)


@login_required
@require_safe
def duplicates(request):
    return _duplicates_page(request)


@login_required
@require_POST
def duplicate_decide(request, first: int, second: int):
    return _bureau_decides(
        request,
        DuplicateDecisionForm(request.POST),
        functools.partial(services.duplicate_decide, first_id=first, second_id=second),
        queue=functools.partial(_duplicates_page, failed=f"{first}-{second}"),
        back="promotion:duplicates",
        refusal=_("Only the city bureau decides on projects counted twice."),
    )
