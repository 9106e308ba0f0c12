"""Pure parsers: header text in, frozen model out. No I/O, no UI, no network."""
