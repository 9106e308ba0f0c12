"""The brand domains look-alike From domains are compared with (besides the message's own)."""

from __future__ import annotations

# Why these: a look-alike of a brand the reader trusts is the usual phishing From (a Cyrillic
# "аррӏе.com"), and the message itself rarely names the real domain to compare with. The list
# is short on purpose: the brands that published brand-phishing rankings of the last years
# put at the top again and again (technology and cloud accounts, parcel carriers, retail,
# social networks, payments, streaming, banks), plus the mail providers whose headers this
# tool reads. Each entry is a registrable domain; its first label is what a look-alike
# imitates, so "аррӏе.net" matches "apple.com" too. Add a brand here, not in the code.
SPOOFED_BRANDS: tuple[str, ...] = (
    # technology, cloud and mail accounts
    "microsoft.com",
    "office.com",
    "outlook.com",
    "live.com",
    "google.com",
    "gmail.com",
    "apple.com",
    "icloud.com",
    "adobe.com",
    "dropbox.com",
    "docusign.com",
    "yahoo.com",
    # parcel carriers
    "dhl.com",
    "fedex.com",
    "ups.com",
    "usps.com",
    # retail and marketplaces
    "amazon.com",
    "alibaba.com",
    "walmart.com",
    "ebay.com",
    # social networks and messaging
    "linkedin.com",
    "facebook.com",
    "instagram.com",
    "whatsapp.com",
    # payments and banks
    "paypal.com",
    "wellsfargo.com",
    "chase.com",
    "bankofamerica.com",
    # streaming and games
    "netflix.com",
    "roblox.com",
)
