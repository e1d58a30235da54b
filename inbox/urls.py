"""The inbox's pages for staff, mounted at /inbox/."""

from django.urls import path

from .views import imports, posts, queues, rules, saved_replies

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
    path("forwarded/", queues.inbox_queue, {"slug": "forwarded"}, name="forwarded"),
    path("posts/<int:post_id>/", posts.post_detail, name="post-detail"),
    path("posts/<int:post_id>/triage/", posts.triage, name="post-triage"),
    path("posts/<int:post_id>/claim/", posts.claim, name="post-claim"),
    path("posts/<int:post_id>/release/", posts.release, name="post-release"),
    path("posts/<int:post_id>/assign/", posts.assign, name="post-assign"),
    path("posts/<int:post_id>/forward/", posts.forward, name="post-forward"),
    path("posts/<int:post_id>/hand-back/", posts.hand_back, name="post-hand-back"),
    path("posts/<int:post_id>/reply/", posts.reply, name="post-reply"),
    path("posts/<int:post_id>/replies/<int:message_id>/confirm/", posts.confirm_reply, name="post-confirm-reply"),
    path("posts/<int:post_id>/approvals/<int:approval_id>/approve/", posts.approve, name="post-approve"),
    path("posts/<int:post_id>/approvals/<int:approval_id>/send-back/", posts.send_back, name="post-send-back"),
    path("posts/<int:post_id>/close/", posts.close, name="post-close"),
    path("posts/<int:post_id>/spam/", posts.spam, name="post-spam"),
    path("posts/<int:post_id>/reopen/", posts.reopen, name="post-reopen"),
    path("posts/<int:post_id>/notes/", posts.note, name="post-note"),
    path("saved-replies/", saved_replies.saved_reply_list, name="saved-replies"),
    path("saved-replies/new/", saved_replies.SavedReplyCreate.as_view(), name="saved-reply-create"),
    path("saved-replies/<int:pk>/", saved_replies.SavedReplyUpdate.as_view(), name="saved-reply-update"),
    path("saved-replies/<int:pk>/delete/", saved_replies.SavedReplyDelete.as_view(), name="saved-reply-delete"),
    path("rules/", rules.rules_index, name="rules"),
    path("rules/try/", rules.try_rules, name="rules-try"),
    path("rules/retriage/", rules.retriage, name="rules-retriage"),
    path("rules/settings/", rules.inbox_settings, name="inbox-settings"),
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
