"""headerlens.report package."""
