from __future__ import annotations

from django.urls import path

from . import completion_views, exports, views, work_views

app_name = "pairing"
urlpatterns = [
    path("programmes/<int:programme_pk>/mentorships/", views.mentorship_list,
         name="mentorship_list"),
    path("programmes/<int:programme_pk>/mentorships/new/", views.mentorship_create,
         name="mentorship_create"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("programmes/<int:programme_pk>/mentorships/export.<str:fmt>",
         exports.mentorship_export, name="mentorship_export"),
    path("programmes/<int:programme_pk>/requests/export.<str:fmt>", exports.request_export,
         name="request_export"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("programmes/<int:programme_pk>/order.pdf", views.order_pdf, name="order_pdf"),
    path("programmes/<int:programme_pk>/requests/", views.request_list, name="request_list"),
    path("programmes/<int:programme_pk>/requests/new/", views.request_create,
         name="request_create"),
    path("programmes/<int:programme_pk>/my-requests/", views.my_requests, name="my_requests"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("programmes/<int:programme_pk>/mentors/", views.mentor_list, name="mentor_list"),
    path("programmes/<int:programme_pk>/mentors/add/", views.mentor_add, name="mentor_add"),
    path("mentors/<int:pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("programmes/<int:programme_pk>/matching/settings/", views.match_settings,
         name="match_settings"),
    path("exclusions/<int:pk>/delete/", views.exclusion_delete, name="exclusion_delete"),
    path("programmes/<int:programme_pk>/board/", views.board, name="board"),
    path("programmes/<int:programme_pk>/board/run/", views.run_start, name="run_start"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/accept-all/", views.run_accept_all, name="run_accept_all"),
    path("suggestions/<int:pk>/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:pk>/reject/", views.suggestion_reject, name="suggestion_reject"),
    path("suggestions/<int:pk>/reassign/", views.suggestion_reassign,
         name="suggestion_reassign"),
    # Stage 7: completion (pairing/completion_views.py).
    path("mentorships/<int:pk>/complete/", completion_views.mentorship_complete,
         name="mentorship_complete"),
    path("mentorships/<int:pk>/reflection/", completion_views.mentorship_reflection,
         name="mentorship_reflection"),
    path("programmes/<int:programme_pk>/invite-mentors/", completion_views.invite_list,
         name="invite_list"),
    path("members/<int:pk>/invite/", completion_views.invite, name="invite"),
]

# The pairs' work (stage 6): individual plan and meeting log.
urlpatterns += [
    path("mentorships/<int:pk>/plan/new/", work_views.plan_item_create, name="plan_item_create"),
    path("plan-items/<int:pk>/edit/", work_views.plan_item_edit, name="plan_item_edit"),
    path("plan-items/<int:pk>/delete/", work_views.plan_item_delete, name="plan_item_delete"),
    path("plan-items/<int:pk>/status/", work_views.plan_item_status, name="plan_item_status"),
    path("plan-items/<int:pk>/move/", work_views.plan_item_move, name="plan_item_move"),
    path("mentorships/<int:pk>/meetings/new/", work_views.meeting_create,
         name="meeting_create"),
    path("meetings/<int:pk>/edit/", work_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", work_views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/confirm/", work_views.meeting_confirm, name="meeting_confirm"),
    path("meetings/<int:pk>/not-a-good-fit/", work_views.meeting_not_a_good_fit,
         name="meeting_not_a_good_fit"),
]
