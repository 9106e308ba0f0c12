"""headerlens.dnsclient package."""
