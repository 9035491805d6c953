"""The privacy notice's version. Change the notice (templates/privacy/notice.html) and raise
NOTICE_VERSION together: every account is then asked to accept the new version on its next
page (app.privacy.routes.ask_for_consent)."""

NOTICE_VERSION = 1
NOTICE_DATE = "2026-12-01"
