#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, a virtualenv, lint, types,
# import contracts, then pytest (unit, conformance, real DNS via Knot + Unbound, console).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v knotd >/dev/null || ! command -v unbound >/dev/null || ! command -v kdig >/dev/null; then
  echo "== installing Knot DNS and Unbound (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq knot unbound knot-dnsutils >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
echo "== installing headerlens and test tools into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
export PATH="$root/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .

# mypy and import-linter read the package as installed: the layer folders (parsers/, dnsclient/...)
# only become headerlens.* through setuptools' package-dir, so check a staged copy of it.
stage=$(mktemp -d)
rm -rf build  # setuptools' build/ could carry modules deleted since the last build
trap 'rm -rf "$stage"' EXIT
python -m pip install -q --disable-pip-version-check --no-deps --target "$stage" . >/dev/null
top=$(ls "$stage" | grep -v -e '\.dist-info$' -e '^bin$' | tr '\n' ' ')
if [ "$top" != "headerlens " ]; then echo "wheel puts more than headerlens at the top: $top"; exit 1; fi
echo "== mypy --strict"
(cd "$stage" && mypy --config-file "$root/pyproject.toml" -p headerlens)
echo "== import contracts"
(cd "$stage" && PYTHONPATH="$stage" lint-imports "$root/pyproject.toml")

if [ "$#" -eq 0 ]; then
  # The whole run (the README's test command) also proves the README's first command and the
  # packaging on this machine's distribution Python; a run for chosen tests skips it.
  bash scripts/check_install.sh
fi

echo "== pytest"
python -m pytest "$@"
