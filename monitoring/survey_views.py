"""Survey pages: questionnaires, campaigns and results for the programme's staff; the
personal survey page (reached by the signed link, no password) for a respondent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_scopes import scope

from mentorship.forms import attach_errors
from mentorship.spreadsheets import spreadsheet_response
from mentorship.types import AppRequest

from .models import SurveyAnswer, SurveyCampaign, SurveyInvitation, SurveyQuestion
from .survey_forms import (
    CampaignForm,
    ChangesFilterForm,
    QuestionFormSet,
    TemplateForm,
    formset_questions,
    question_initial,
)
from .surveys import services, tokens
from .surveys.permissions import (
    campaign_get_for_user,
    can_manage_surveys,
    programme_get_for_surveys,
    template_get_for_user,
)
from .surveys.selectors import (
    campaign_dispatch_status,
    campaign_export_rows,
    campaign_list_for_programme,
    campaign_results,
    entry_exit_changes,
    template_get_detail,
    template_list_for_programme,
)

PAGE_SIZE = 30

LINK_INVALID = gettext_lazy(
    "This link is not valid. Open the survey from the latest e-mail or from your home page.")
LINK_EXPIRED = gettext_lazy("This survey is closed: the deadline has passed.")
THANKS = gettext_lazy("Thank you! Your answers have been submitted.")
TEMPLATE_VERSIONED = gettext_lazy(
    "The questionnaire is already in use, so your changes were saved as version %(version)s.")
TEMPLATE_SAVED = gettext_lazy("The questionnaire has been saved.")
TEMPLATE_COPIED = gettext_lazy("A copy has been made: edit it here.")
CAMPAIGN_LAUNCHED = gettext_lazy(
    "The campaign is open: %(count)s participants are invited; the e-mails are on their way.")
CAMPAIGN_CLOSED = gettext_lazy("The campaign has been closed.")
TOO_FEW_TO_EXPORT = gettext_lazy(
    "Fewer than %(count)s respondents: nothing is exported, so that nobody can be identified.")


# --------------------------------------------------------------------------- staff pages


@login_required
def survey_home(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk)
    status = request.GET.get("status", "")
    if status not in SurveyCampaign.Status.values:
        status = ""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    qs = campaign_list_for_programme(programme=programme, year=year, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/surveys/campaign_list.html", {
        "programme": programme, "page_obj": page, "year": year, "status": status,
        "statuses": SurveyCampaign.Status.choices,
        "can_manage": can_manage_surveys(request.user, programme)})


@login_required
def template_list(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk)
    page = Paginator(template_list_for_programme(programme=programme), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "monitoring/surveys/template_list.html", {
        "programme": programme, "page_obj": page,
        "can_manage": can_manage_surveys(request.user, programme)})


@login_required
def template_detail(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk)
    template = template_get_detail(template=template_get_for_user(request.user, programme, pk))
    return render(request, "monitoring/surveys/template_detail.html", {
        "programme": programme, "template": template,
        "locked": services.template_is_locked(template),
        "can_manage": can_manage_surveys(request.user, programme)})


def _template_editor(request: AppRequest, programme_pk: int, pk: int | None) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk, write=True)
    template = template_get_for_user(request.user, programme, pk) if pk else None
    if template is not None and template.organisation_id is None:
        messages.info(request, str(services.SHIPPED_READ_ONLY))
        return redirect("monitoring:survey_template", programme.pk, template.pk)
    initial = ({"title": template.title, "audience": template.audience,
                "form": template.form_id} if template else None)
    data = request.POST if request.method == "POST" else None
    form = TemplateForm(data, programme=programme, initial=initial)
    formset = QuestionFormSet(data, prefix="q",
                              initial=question_initial(template) if template else None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        questions = formset_questions(formset)
        try:
            if template is None:
                saved = services.template_create(
                    organisation=programme.organisation, title=form.cleaned_data["title"],
                    audience=form.cleaned_data["audience"], form=form.cleaned_data["form"],
                    questions=questions, acting_user=request.user)
            else:
                saved = services.template_save(
                    template=template, title=form.cleaned_data["title"],
                    audience=form.cleaned_data["audience"], form=form.cleaned_data["form"],
                    questions=questions, acting_user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if template is not None and saved.pk != template.pk:
                messages.success(request, TEMPLATE_VERSIONED % {"version": saved.version})
            else:
                messages.success(request, TEMPLATE_SAVED)
            return redirect("monitoring:survey_template", programme.pk, saved.pk)
    return render(request, "monitoring/surveys/template_form.html", {
        "programme": programme, "template": template, "form": form, "formset": formset,
        "locked": template is not None and services.template_is_locked(template)})


@login_required
def template_new(request: AppRequest, programme_pk: int) -> HttpResponse:
    return _template_editor(request, programme_pk, None)


@login_required
def template_edit(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    return _template_editor(request, programme_pk, pk)


@login_required
@require_POST
def template_copy(request: AppRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk, write=True)
    template = template_get_for_user(request.user, programme, pk)
    copy = services.template_copy(template=template, organisation=programme.organisation,
                                  acting_user=request.user)
    messages.success(request, TEMPLATE_COPIED)
    return redirect("monitoring:survey_template_edit", programme.pk, copy.pk)


@login_required
def campaign_new(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk, write=True)
    services.templates_ensure_defaults()
    form = CampaignForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_launch(
                programme=programme, template=data["template"], year=data["year"],
                audience=data["audience"], kind=data["kind"], deadline=data["deadline"],
                anonymous=data["anonymous"], form=data["form"],
                mentorship_status=data["mentorship_status"] or "",
                acting_user=request.user, link_base=request.build_absolute_uri("/")[:-1])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            count = SurveyInvitation.objects.filter(campaign=campaign).count()
            messages.success(request, CAMPAIGN_LAUNCHED % {"count": count})
            return redirect("monitoring:survey_campaign", campaign.pk)
    return render(request, "monitoring/surveys/campaign_form.html",
                  {"programme": programme, "form": form})


@login_required
def campaign_detail(request: AppRequest, pk: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, pk)
    return render(request, "monitoring/surveys/campaign_detail.html", {
        "programme": campaign.programme, "campaign": campaign,
        "results": campaign_results(campaign=campaign),
        "dispatch": campaign_dispatch_status(campaign=campaign),
        "can_manage": can_manage_surveys(request.user, campaign.programme)})


@login_required
def campaign_status(request: AppRequest, pk: int) -> HttpResponse:
    """The e-mail dispatch progress (polled by htmx while e-mails are still going out)."""
    campaign = campaign_get_for_user(request.user, pk)
    return render(request, "monitoring/surveys/_dispatch.html", {
        "campaign": campaign, "dispatch": campaign_dispatch_status(campaign=campaign)})


@login_required
@require_POST
def campaign_close(request: AppRequest, pk: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, pk, write=True)
    try:
        services.campaign_close(campaign=campaign, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, CAMPAIGN_CLOSED)
    return redirect("monitoring:survey_campaign", campaign.pk)


@login_required
def campaign_export(request: AppRequest, pk: int) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, pk)
    headers, rows = campaign_export_rows(campaign=campaign)
    if not rows:
        from .indicators import MIN_RESPONDENTS

        messages.warning(request, TOO_FEW_TO_EXPORT % {"count": MIN_RESPONDENTS})
        return redirect("monitoring:survey_campaign", campaign.pk)
    return spreadsheet_response(headers=headers, rows=rows, fmt="xlsx",
                                name=f"survey-{campaign.pk}")


@login_required
def changes(request: AppRequest, programme_pk: int) -> HttpResponse:
    programme = programme_get_for_surveys(request.user, programme_pk)
    form = ChangesFilterForm(request.GET or None, programme=programme)
    year = timezone.localdate().year
    if year not in programme.years:
        year = programme.end_year if year > programme.end_year else programme.start_year
    audience = "mentee"
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        audience = form.cleaned_data["audience"] or audience
    result = entry_exit_changes(programme=programme, year=year, audience=audience)
    page = Paginator(result.participants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/surveys/changes.html", {
        "programme": programme, "form": form, "changes": result, "page_obj": page,
        "year": year, "audience": audience})


# --------------------------------------------------------------------------- respondent


def _raw_answers(post: QueryDict, questions: Sequence[SurveyQuestion]) -> dict[int, list[str]]:
    """Answers posted for the questionnaire's questions (`q<id>`); a question whose field is
    absent is left out (checkbox groups post a marker `q<id>-present`)."""
    raw: dict[int, list[str]] = {}
    for question in questions:
        key = f"q{question.pk}"
        if key in post or f"{key}-present" in post:
            raw[question.pk] = post.getlist(key)
    return raw


def _current_values(invitation: SurveyInvitation) -> dict[int, SurveyAnswer]:
    response = getattr(invitation, "response", None)
    if response is None:
        return {}
    return {a.question_id: a for a in response.answers.all()}


def _survey_page(request: AppRequest, *, state: str, invitation: SurveyInvitation | None = None,
                 errors: Mapping[int, str] | None = None, message: str = "",
                 posted: Mapping[int, Sequence[str]] | None = None,
                 status: int = 200) -> HttpResponse:
    context: dict[str, object] = {"state": state, "message": message}
    if invitation is not None:
        questions = list(invitation.campaign.template.questions.order_by("position"))
        saved = _current_values(invitation)
        rows = []
        for question in questions:
            answer = saved.get(question.pk)
            if posted is not None and question.pk in posted:
                values = list(posted[question.pk])
            elif answer is None:
                values = []
            elif question.type == SurveyQuestion.Type.SCALE:
                values = [str(answer.scale_value)]
            elif question.type == SurveyQuestion.Type.TEXT:
                values = [answer.text_value]
            else:
                values = list(answer.choice_values)
            rows.append({"question": question, "values": values,
                         "error": (errors or {}).get(question.pk, "")})
        context.update({
            "invitation": invitation, "campaign": invitation.campaign, "rows": rows,
            "token": request.resolver_match.kwargs["token"] if request.resolver_match else "",
            "expires_on": tokens.link_expires_on(invitation.campaign),
            "scale": range(1, 11)})
    response = render(request, "monitoring/surveys/answer.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


_STATE_PAGES = {
    tokens.INVALID: (LINK_INVALID, 404),
    tokens.EXPIRED: (LINK_EXPIRED, 410),
    tokens.SUBMITTED: (services.ALREADY_SUBMITTED, 200),
}


@never_cache
def survey_answer(request: AppRequest, token: str) -> HttpResponse:
    """The personal survey page. GET shows the questionnaire with the saved draft; POST
    submits it (final). Works without logging in: the signed link is the key."""
    check = tokens.invitation_from_token(token)
    if check.invitation is None:
        message, status = _STATE_PAGES[check.state]
        if request.method == "POST" and check.state == tokens.SUBMITTED:
            status = 409
        if check.state == tokens.SUBMITTED and request.GET.get("done"):
            message = THANKS
        return _survey_page(request, state=check.state, message=str(message), status=status)
    invitation = check.invitation
    with scope(organisation=[invitation.campaign.programme.organisation_id]):
        if request.method != "POST":
            return _survey_page(request, state=tokens.OK, invitation=invitation)
        questions = list(invitation.campaign.template.questions.all())
        raw = _raw_answers(request.POST, questions)
        try:
            services.response_submit(invitation=invitation, answers=raw)
        except services.SubmitErrors as exc:
            invitation = tokens.invitation_from_token(token).invitation or invitation
            return _survey_page(request, state=tokens.OK, invitation=invitation,
                                errors=exc.by_question, posted=raw, status=400,
                                message=_("Some answers are missing: see the marked "
                                          "questions."))
        except ValidationError as exc:
            state = tokens.SUBMITTED if exc.code == "submitted" else tokens.EXPIRED
            return _survey_page(request, state=state, message=" ".join(exc.messages),
                                status=409 if state == tokens.SUBMITTED else 410)
    return redirect(reverse("monitoring:survey_answer", args=[token]) + "?done=1")


@never_cache
@require_POST
def survey_autosave(request: AppRequest, token: str) -> HttpResponse:
    """htmx: store the answers as a draft whenever one changes; returns the save note."""
    check = tokens.invitation_from_token(token)
    if check.invitation is None:
        # 200 so that htmx shows the note in place of "saved".
        return render(request, "monitoring/surveys/_saved.html",
                      {"saved": False, "message": _STATE_PAGES[check.state][0]})
    invitation = check.invitation
    with scope(organisation=[invitation.campaign.programme.organisation_id]):
        questions = list(invitation.campaign.template.questions.all())
        try:
            services.response_save_draft(invitation=invitation,
                                         answers=_raw_answers(request.POST, questions))
        except ValidationError as exc:
            return render(request, "monitoring/surveys/_saved.html",
                          {"saved": False, "message": " ".join(exc.messages)})
    return render(request, "monitoring/surveys/_saved.html",
                  {"saved": True, "at": timezone.localtime()})
