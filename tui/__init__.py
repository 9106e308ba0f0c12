"""headerlens.tui package."""
