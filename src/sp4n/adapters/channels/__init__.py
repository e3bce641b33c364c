"""Built-in intake channels: web form, SMS 1708 and e-mail (Open311 has its own server), and
the two-way webhook channels the server mounts: WhatsApp Cloud API and an SMS gateway."""

from sp4n.adapters.channels._email import EMAIL_BYTES_MAX, EMAIL_CONTAINERS_MAX, EmailChannel
from sp4n.adapters.channels._inbound import (
    MEDIA_ONLY_TEXT,
    Inbound,
    InboundMessage,
    InboundRequest,
    WebhookChannel,
)
from sp4n.adapters.channels._intake import (
    Channel,
    Intake,
    Tags,
    known_region,
    read_tags,
    title_from,
)
from sp4n.adapters.channels._plugin import (
    load_channels,
    sms_gateway_from_settings,
    whatsapp_from_settings,
)
from sp4n.adapters.channels._sms import SMS_TEXT_MAX, SmsChannel, SmsMessage
from sp4n.adapters.channels._sms_gateway import SmsGatewayChannel, international
from sp4n.adapters.channels._web import WebFormChannel
from sp4n.adapters.channels._web_messages import (
    FORM_LABELS,
    FORM_MESSAGES,
    VISIBILITY_LABELS,
    form_message,
    visibility_choices,
)
from sp4n.adapters.channels._whatsapp import (
    WHATSAPP_SIGNATURE_HEADER,
    WhatsAppChannel,
    whatsapp_signature,
)

__all__ = [
    "EMAIL_BYTES_MAX",
    "EMAIL_CONTAINERS_MAX",
    "FORM_LABELS",
    "FORM_MESSAGES",
    "MEDIA_ONLY_TEXT",
    "SMS_TEXT_MAX",
    "VISIBILITY_LABELS",
    "WHATSAPP_SIGNATURE_HEADER",
    "Channel",
    "EmailChannel",
    "Inbound",
    "InboundMessage",
    "InboundRequest",
    "Intake",
    "SmsChannel",
    "SmsGatewayChannel",
    "SmsMessage",
    "Tags",
    "WebFormChannel",
    "WebhookChannel",
    "WhatsAppChannel",
    "form_message",
    "international",
    "known_region",
    "load_channels",
    "read_tags",
    "sms_gateway_from_settings",
    "title_from",
    "visibility_choices",
    "whatsapp_from_settings",
    "whatsapp_signature",
]
