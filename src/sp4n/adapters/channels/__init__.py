"""Built-in intake channels: web form, SMS 1708 and e-mail (Open311 has its own server)."""

from sp4n.adapters.channels._email import EMAIL_BYTES_MAX, EMAIL_CONTAINERS_MAX, EmailChannel
from sp4n.adapters.channels._intake import (
    Channel,
    Intake,
    Tags,
    known_region,
    read_tags,
    title_from,
)
from sp4n.adapters.channels._sms import SMS_TEXT_MAX, SmsChannel, SmsMessage
from sp4n.adapters.channels._web import WebFormChannel
from sp4n.adapters.channels._web_messages import (
    FORM_LABELS,
    FORM_MESSAGES,
    VISIBILITY_LABELS,
    form_message,
    visibility_choices,
)

__all__ = [
    "EMAIL_BYTES_MAX",
    "EMAIL_CONTAINERS_MAX",
    "FORM_LABELS",
    "FORM_MESSAGES",
    "SMS_TEXT_MAX",
    "VISIBILITY_LABELS",
    "Channel",
    "EmailChannel",
    "Intake",
    "SmsChannel",
    "SmsMessage",
    "Tags",
    "WebFormChannel",
    "form_message",
    "known_region",
    "read_tags",
    "title_from",
    "visibility_choices",
]
