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

# Brand names a lure puts in the From field's display name (or its subject) while the address
# belongs to another organisation: the brands above by name, plus the crypto-asset services
# that phishing sent through abused sending accounts (SaaS / ESP streams, web forms) names most
# (wallets, exchanges, NFT markets, tax trackers). (name as written, the brand's own domain.)
# Names that are also ordinary words or given names ("Chase", "Live", "Office", "Exodus") are
# left out.
DISPLAY_BRANDS: tuple[tuple[str, str], ...] = (
    ("Microsoft", "microsoft.com"),
    ("Outlook", "outlook.com"),
    ("Google", "google.com"),
    ("Gmail", "gmail.com"),
    ("iCloud", "icloud.com"),
    ("Adobe", "adobe.com"),
    ("Dropbox", "dropbox.com"),
    ("DocuSign", "docusign.com"),
    ("DHL", "dhl.com"),
    ("FedEx", "fedex.com"),
    ("USPS", "usps.com"),
    ("Amazon", "amazon.com"),
    ("Alibaba", "alibaba.com"),
    ("Walmart", "walmart.com"),
    ("eBay", "ebay.com"),
    ("LinkedIn", "linkedin.com"),
    ("Facebook", "facebook.com"),
    ("Instagram", "instagram.com"),
    ("WhatsApp", "whatsapp.com"),
    ("PayPal", "paypal.com"),
    ("Wells Fargo", "wellsfargo.com"),
    ("Bank of America", "bankofamerica.com"),
    ("Netflix", "netflix.com"),
    ("Roblox", "roblox.com"),
    ("Proton", "proton.me"),
    ("Coinbase", "coinbase.com"),
    ("Binance", "binance.com"),
    ("Crypto.com", "crypto.com"),
    ("MetaMask", "metamask.io"),
    ("Trust Wallet", "trustwallet.com"),
    ("Ledger", "ledger.com"),
    ("Trezor", "trezor.io"),
    ("OpenSea", "opensea.io"),
    ("Uniswap", "uniswap.org"),
    ("zkSync", "zksync.io"),
    ("Arbitrum", "arbitrum.io"),
    ("CoinTracker", "cointracker.io"),
    ("Koinly", "koinly.io"),
    ("Blockchain.com", "blockchain.com"),
    ("Tether", "tether.to"),
    # security suites, telecoms, retail, banks and payments, parcel and travel brands that
    # brand-as-sender lures use most
    ("Norton", "norton.com"),
    ("McAfee", "mcafee.com"),
    ("Geek Squad", "geeksquad.com"),
    ("Best Buy", "bestbuy.com"),
    ("Costco", "costco.com"),
    ("Home Depot", "homedepot.com"),
    ("AT&T", "att.com"),
    ("Verizon", "verizon.com"),
    ("T-Mobile", "t-mobile.com"),
    ("Xfinity", "xfinity.com"),
    ("USAA", "usaa.com"),
    ("Capital One", "capitalone.com"),
    ("American Express", "americanexpress.com"),
    ("Citibank", "citibank.com"),
    ("HSBC", "hsbc.com"),
    ("Santander", "santander.com"),
    ("Revolut", "revolut.com"),
    ("Venmo", "venmo.com"),
    ("Cash App", "cash.app"),
    ("Zelle", "zellepay.com"),
    ("Booking.com", "booking.com"),
    ("Airbnb", "airbnb.com"),
    ("Spotify", "spotify.com"),
    ("TikTok", "tiktok.com"),
    ("Telegram", "telegram.org"),
    ("Royal Mail", "royalmail.com"),
    ("Canada Post", "canadapost.ca"),
    ("PostNL", "postnl.nl"),
    ("La Poste", "laposte.fr"),
    ("Correos", "correos.es"),
    ("DPD", "dpd.com"),
)
