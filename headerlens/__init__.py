"""headerlens: explain why an email failed authentication, landed in junk or was rejected."""

__version__ = "0.1.0"
