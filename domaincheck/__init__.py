"""headerlens.domaincheck package."""
