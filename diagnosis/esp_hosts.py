"""Sending services (ESPs): their own domains and the header fields they add (facts, no I/O).

Everything matched here is the sender's text or the sender's choice (the envelope, a DKIM d=, a
HELO, any header field): it names the service a message claims to come through, never proves it.
Sources of the vendor facts:
- Mailchimp: envelope bounce-mc.<dc>_…@<host>.mcsv.net / mcdlv.net, DKIM d=<host>.mcsv.net,
  X-MC-User, Feedback-ID ending ":mc" (Mailchimp's own headers on its campaigns; Mandrill, its
  transactional service, sends from mandrillapp.com with X-Mandrill-User).
- SendGrid: envelope bounces+…@…sendgrid.net, DKIM d=sendgrid.info / sendgrid.net, X-SG-EID
  (SendGrid's published example header, gist sendgrid-gists/81feae00…).
- Amazon SES: MAIL FROM amazonses.com unless a custom MAIL FROM domain is set (SES API
  SetIdentityMailFromDomain, BehaviorOnMXFailure UseDefaultValue), Feedback-ID ending
  ":AmazonSES", X-SES-Outgoing.
- SparkPost: sparkpostmail.com, the X-MSYS-API header of its SMTP API (developers.sparkpost.com
  /api/smtp). Postmark: mtasv.net, X-PM-Message-Id. Mailgun: mailgun.org / mailgun.net,
  X-Mailgun-Sid. rapidmail: rmtr.de envelopes, rmh2.net servers and signatures,
  X-Complaints-To abuse@rapidmail.de (its campaigns; it is a CSA-certified sender, hence
  X-CSA-Complaints to eco.de). CleverReach: crsend.com. Brevo (Sendinblue): sendinblue.com /
  brevo.com, X-Mailin-EID, X-SIB-ID. Constant Contact: ccsend.com, constantcontact.com,
  roving.com. HubSpot: hubspotemail.net. Salesforce Marketing Cloud: exacttarget.com,
  X-SFMC-Stack. Mailjet: mailjet.com, X-MJ-Mid.
"""

from __future__ import annotations

import re

# Sending services by the domains of their outbound servers, envelopes and signatures.
ESPS = (
    ("sendgrid.net", "SendGrid"),
    ("sendgrid.info", "SendGrid"),
    ("mailgun.org", "Mailgun"),
    ("mailgun.net", "Mailgun"),
    ("amazonses.com", "Amazon SES"),
    ("sparkpostmail.com", "SparkPost"),
    ("mailjet.com", "Mailjet"),
    ("sendinblue.com", "Brevo"),
    ("brevo.com", "Brevo"),
    ("mandrillapp.com", "Mandrill"),
    ("mcsv.net", "Mailchimp"),
    ("mcdlv.net", "Mailchimp"),
    ("rsgsv.net", "Mailchimp"),
    ("mtasv.net", "Postmark"),
    ("smtp2go.com", "SMTP2GO"),
    ("elasticemail.com", "Elastic Email"),
    ("zdsys.com", "Zendesk"),
    ("zendesk.com", "Zendesk"),
    ("hubspotemail.net", "HubSpot"),
    ("ccsend.com", "Constant Contact"),
    ("constantcontact.com", "Constant Contact"),
    ("roving.com", "Constant Contact"),
    ("exacttarget.com", "Salesforce Marketing Cloud"),
    ("klaviyomail.com", "Klaviyo"),
    ("mlsend.com", "MailerLite"),
    ("mktomail.com", "Marketo"),
    ("intercom-mail.com", "Intercom"),
    ("customeriomail.com", "Customer.io"),
    ("zcsend.net", "Zoho Campaigns"),
    ("rmtr.de", "rapidmail"),
    ("rmh2.net", "rapidmail"),
    ("rapidmail.de", "rapidmail"),
    ("crsend.com", "CleverReach"),
)

# Services that spread their outbound servers over numbered sibling domains: ActiveCampaign
# (d44.csa.acemsb4.com, bounces at d12.csa.acemsa1.com, feedback at acems1.com).
_ESP_FAMILIES = ((re.compile(r"(?:^|\.)acems[a-d]?\d+\.com$"), "ActiveCampaign"),)

# Header fields only one service adds (its account or campaign ids).
MARKERS = {
    "x-mc-user": "Mailchimp",
    "x-mandrill-user": "Mandrill",
    "x-sg-eid": "SendGrid",
    "x-sg-id": "SendGrid",
    "x-ses-outgoing": "Amazon SES",
    "x-mailgun-sid": "Mailgun",
    "x-msys-api": "SparkPost",
    "x-pm-message-id": "Postmark",
    "x-mj-mid": "Mailjet",
    "x-mailin-eid": "Brevo",
    "x-sib-id": "Brevo",
    "x-sfmc-stack": "Salesforce Marketing Cloud",
}

# Feedback-ID (Gmail's feedback loop: "a:b:c:SenderId") whose last part names the service.
FEEDBACK_SENDERS = {"amazonses": "Amazon SES", "mc": "Mailchimp", "rm": "rapidmail"}

# Fields a bulk sender uses to name where complaints go: an address or a link at the service.
COMPLAINT_FIELDS = ("x-complaints-to", "x-report-abuse", "x-abuse-reports-to")


def esp_name(host: str | None) -> str | None:
    """The service whose domain ``host`` (a host name or a domain) is in, or None."""
    h = (host or "").lower().rstrip(".")
    return next((name for sfx, name in ESPS if h == sfx or h.endswith("." + sfx)), None) or next(
        (name for pattern, name in _ESP_FAMILIES if pattern.search(h)), None
    )


_HOSTS = re.compile(r"(?:@|//)([a-z0-9.-]+\.[a-z]{2,})", re.IGNORECASE)


def named_in(value: str) -> str | None:
    """The service an address or link in a field value points at (``abuse@rapidmail.de``,
    ``http://www.mailchimp.com/abuse/…``): the service's own domains and its brand's."""
    for host in _HOSTS.findall(value):
        if name := esp_name(host):
            return name
        label = host.lower().rstrip(".").split(".")
        if len(label) >= 2 and (brand := _BRANDS.get(label[-2])):
            return brand
    return None


# The brand domains of the services (their web sites, where complaint links point).
_BRANDS = {
    "mailchimp": "Mailchimp",
    "sendgrid": "SendGrid",
    "mailgun": "Mailgun",
    "sparkpost": "SparkPost",
    "postmarkapp": "Postmark",
    "rapidmail": "rapidmail",
    "cleverreach": "CleverReach",
    "sendinblue": "Brevo",
    "brevo": "Brevo",
    "hubspot": "HubSpot",
    "mailjet": "Mailjet",
}
