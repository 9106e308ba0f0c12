"""headerlens.evaluators package."""

import sys


def _load_dkimpy_without_its_dns() -> None:
    """Import dkimpy without ``dkim.dnsplug``, its own DNS lookup, which we never call.

    Every dkimpy verification here is handed our ``dnsfunc`` (keys come from our resolver,
    as evidence), so dkimpy's default lookup is dead code to us; but importing it runs
    ``import dns.resolver``, whose DDR discovery (``dns._ddr``) costs about 80 ms at every
    process start. A ``None`` entry in ``sys.modules`` makes that one import fail, which
    dkimpy handles itself: its default ``get_txt`` then raises RuntimeError if ever called.
    The entry is removed again so other code can still import ``dkim.dnsplug`` on purpose.
    """
    if "dkim" in sys.modules or "dkim.dnsplug" in sys.modules:
        return
    sys.modules["dkim.dnsplug"] = None  # type: ignore[assignment]
    try:
        import dkim  # noqa: F401
    except ImportError:
        pass  # a dependency: evaluators/dkim.py imports it again and shows the real error
    finally:
        if sys.modules.get("dkim.dnsplug", ...) is None:
            del sys.modules["dkim.dnsplug"]


_load_dkimpy_without_its_dns()
