#!/usr/bin/env bash
# The README's first command, run as a new user would: from a fresh copy of the checkout, with the
# distribution's own Python (/usr/bin/python3, externally managed on Debian 12+ and Ubuntu 23.04+)
# when there is one. Then the packaging a user or packager relies on: sdist + wheel that build,
# pass `twine check`, hold only the headerlens package, and install with pipx and uv tool.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Run a step quietly; on failure show what it printed.
quiet() { "$@" >"$work/step.log" 2>&1 || { tail -40 "$work/step.log"; return 1; }; }

# --- the two README lines, read from the README itself so it cannot drift -------------------
first=$(awk '/<!-- first-command -->/{getline; getline; print; exit}' README.md)
headless=$(awk '/<!-- first-command-headless -->/{getline; getline; print; exit}' README.md)
if [ -z "$first" ] || [ -z "$headless" ]; then
  echo "README: the first-command blocks are missing"; exit 1
fi
if [ "${first/headerlens --dns-snapshot/headerlens report --dns-snapshot}" != "$headless" ]; then
  echo "README: the headless first command is not the first command with 'report'"
  echo "  first:    $first"; echo "  headless: $headless"; exit 1
fi

# --- a fresh copy of the tree (tracked and new files, nothing ignored: no .venv, no build/) ------
src="$work/headerlens"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$src"

python=python3
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi
mkdir -p "$work/pybin"
ln -s "$(command -v "$python")" "$work/pybin/python3"
if "$python" -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
  managed="externally managed (PEP 668)"
else
  managed="not externally managed"
fi
echo "== README first command, headless, with $python ($("$python" --version 2>&1), $managed)"
out="$work/first.out"
if ! (cd "$src" && PATH="$work/pybin:$PATH" PIP_DISABLE_PIP_VERSION_CHECK=1 bash -c "$headless" >"$out" 2>"$work/first.err"); then
  echo "the README's first command failed:"; tail -20 "$work/first.err"; exit 1
fi
# The verdicts the bundled example must show (the lab's expected verdicts for eop-to-gmail-pass).
expect_lines=(
  '| SPF | pass | **pass** |'
  '| DMARC contoso.com | pass | **pass** |'
  '| ARC | pass | **pass** |'
  '**header pass, body pass**'
  'Re-verified over DNS snapshot replay'
)
for line in "${expect_lines[@]}"; do
  if ! grep -qF -- "$line" "$out"; then
    echo "the README's first command did not print: $line"; head -40 "$out"; exit 1
  fi
done
echo "   verdicts shown: SPF pass, DKIM pass (header and body), DMARC pass, ARC pass"

# --- tools for the packaging checks, in a throwaway virtualenv ---------------------------------
tools="$work/tools"
python3 -m venv "$tools"
quiet "$tools/bin/python" -m pip install -q --disable-pip-version-check build twine pipx uv

echo "== python -m build (sdist + wheel), twine check"
quiet "$tools/bin/python" -m build --outdir "$work/dist" "$src"
"$tools/bin/twine" check --strict "$work"/dist/* | sed "s/\x1b\[[0-9;]*m//g"
wheel=$(ls "$work"/dist/*.whl)
sdist=$(ls "$work"/dist/*.tar.gz)
"$tools/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
tops = {n.split("/", 1)[0] for n in names}
bad = [t for t in tops if t != "headerlens" and not t.endswith(".dist-info")]
assert not bad, f"wheel holds more than headerlens: {bad}"
for need in ("headerlens/py.typed", "headerlens/tui/headerlens.tcss"):
    assert need in names, f"wheel lacks {need}"
lic = [n for n in names if n.endswith(("licenses/LICENSE", "/LICENSE"))]
assert lic, "wheel lacks the licence file"
print(f"   wheel: {len(names)} files, top level {sorted(tops)}")
PY

echo "== the sdist installs and runs"
"$python" -m venv "$work/sdist-venv"
quiet "$work/sdist-venv/bin/python" -m pip install -q --disable-pip-version-check "$sdist"
(cd "$work" && "$work/sdist-venv/bin/headerlens" report --dns-snapshot "$src/examples/eop-to-gmail-pass.dns.json" "$src/examples/eop-to-gmail-pass.eml" | grep -qF '| DMARC contoso.com | pass | **pass** |')

echo "== pipx install ."
PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/pipx-bin" PIPX_MAN_DIR="$work/pipx-man" \
  quiet "$tools/bin/pipx" install --python "$python" "$src"
(cd "$work" && "$work/pipx-bin/headerlens" report --dns-snapshot "$src/examples/eop-to-gmail-pass.dns.json" "$src/examples/eop-to-gmail-pass.eml" | grep -qF '| DMARC contoso.com | pass | **pass** |')

echo "== uv tool install ."
UV_TOOL_DIR="$work/uv-tools" UV_TOOL_BIN_DIR="$work/uv-bin" UV_CACHE_DIR="$work/uv-cache" \
  quiet "$tools/bin/uv" tool install --python "$python" "$src"
(cd "$work" && "$work/uv-bin/headerlens" report --dns-snapshot "$src/examples/eop-to-gmail-pass.dns.json" "$src/examples/eop-to-gmail-pass.eml" | grep -qF '| DMARC contoso.com | pass | **pass** |')
echo "   install checks passed"
