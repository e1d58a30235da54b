"""The inbox's pages for staff, mounted at /inbox/."""

from django.urls import path

from .views import imports, notifications, queues, rules, triage

app_name = "inbox"

urlpatterns = [
    path("", queues.inbox_queue, name="queue-default"),
    path("queue/<slug:slug>/", queues.inbox_queue, name="queue"),
    path("imports/", imports.import_list, name="import-list"),
    path("imports/new/", imports.import_upload, name="import-upload"),
    path("imports/<int:import_id>/", imports.import_detail, name="import-detail"),
    path("imports/<int:import_id>/mapping/", imports.import_mapping, name="import-mapping"),
    path("imports/<int:import_id>/preview/", imports.import_preview, name="import-preview"),
    path("imports/<int:import_id>/progress/", imports.import_progress, name="import-progress"),
    path("posts/<int:post_id>/triage/", triage.post_triage, name="post-triage"),
    path("posts/<int:post_id>/claim/", triage.claim, name="post-claim"),
    path("posts/<int:post_id>/release/", triage.release, name="post-release"),
    path("posts/<int:post_id>/reply/", triage.reply, name="post-reply"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    path("rules/", rules.rules_index, name="rules"),
    path("rules/try/", rules.try_rules, name="rules-try"),
    path("rules/retriage/", rules.retriage, name="rules-retriage"),
    path("rules/new/", rules.ReplyRuleCreate.as_view(), name="rule-create"),
    path("rules/<int:pk>/", rules.ReplyRuleUpdate.as_view(), name="rule-update"),
    path("rules/<int:pk>/delete/", rules.ReplyRuleDelete.as_view(), name="rule-delete"),
    path("rules/claims/new/", rules.KnownClaimCreate.as_view(), name="claim-create"),
    path("rules/claims/<int:pk>/", rules.KnownClaimUpdate.as_view(), name="claim-update"),
    path("rules/claims/<int:pk>/delete/", rules.KnownClaimDelete.as_view(), name="claim-delete"),
    path("rules/policies/new/", rules.ResponsePolicyCreate.as_view(), name="policy-create"),
    path("rules/policies/<int:pk>/", rules.ResponsePolicyUpdate.as_view(), name="policy-update"),
    path("rules/policies/<int:pk>/delete/", rules.ResponsePolicyDelete.as_view(), name="policy-delete"),
    path("rules/matrix/new/", rules.ResponsibilityCreate.as_view(), name="matrix-create"),
    path("rules/matrix/<int:pk>/", rules.ResponsibilityUpdate.as_view(), name="matrix-update"),
    path("rules/matrix/<int:pk>/delete/", rules.ResponsibilityDelete.as_view(), name="matrix-delete"),
]
