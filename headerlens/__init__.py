"""headerlens: explain why an email failed authentication, landed in junk or was rejected."""

import os as _os

__version__ = "0.1.0"

# In a source checkout the layer folders (parsers/, dnsclient/, evaluators/, diagnosis/,
# domaincheck/, report/, tui/) sit beside this one and only become headerlens.<layer> through
# setuptools' package-dir when installed (README, Architecture, says why). When
# Python imports this folder straight from the checkout (e.g. `python -m headerlens` run in the
# repository root, where the current directory shadows the installed package), let the
# sibling folders answer for those subpackages. Installed copies never take this branch.
_here = _os.path.dirname(_os.path.abspath(__file__))
_root = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "parsers")) and _os.path.isfile(
    _os.path.join(_root, "parsers", "__init__.py")
):
    __path__.append(_root)
