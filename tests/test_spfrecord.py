"""SPF record syntax: RFC 7208 examples, real published records and syntax errors."""

from __future__ import annotations

import pytest

from headerlens.model.core import Severity
from headerlens.model.spf import SpfMacro, SpfMechanism, SpfModifier, SpfVerdict
from headerlens.parsers.spfrecord import (
    is_spf_version,
    is_toplabel,
    parse_domain_spec,
    parse_macro_string,
    parse_spf_record,
)
from tests.paths import CORPUS, need_shared

BLAZE = CORPUS / "dkim" / "dns" / "blaze"


def _codes(txt: str) -> set[str]:
    return {d.code for d in parse_spf_record(txt).defects}


@pytest.mark.parametrize(
    ("txt", "names"),
    [
        ("v=spf1 +all", ["all"]),  # RFC 7208 Appendix A.1
        ("v=spf1 a -all", ["a", "all"]),  # Appendix A.1
        ("v=spf1 a:example.org -all", ["a", "all"]),  # Appendix A.1
        ("v=spf1 mx -all", ["mx", "all"]),  # Appendix A.1
        ("v=spf1 mx:example.org -all", ["mx", "all"]),  # Appendix A.1
        ("v=spf1 mx mx:example.org -all", ["mx", "mx", "all"]),  # Appendix A.1
        ("v=spf1 mx/30 mx:example.org/30 -all", ["mx", "mx", "all"]),  # Appendix A.1
        ("v=spf1 ptr -all", ["ptr", "all"]),  # Appendix A.1
        ("v=spf1 ip4:192.0.2.128/28 -all", ["ip4", "all"]),  # Appendix A.1
        ("v=spf1 include:example.com include:example.net -all", ["include", "include", "all"]),
        ("v=spf1 mx -all exp=explain._spf.%{d}", ["mx", "all"]),  # §6.2
        ("v=spf1 redirect=_spf.example.com", []),  # §6.1
        ("v=spf1 -ptr +all", ["ptr", "all"]),  # Appendix A.2
        ("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", ["exists", "all"]),  # §5.7
        ("v=spf1 include:spf.protection.outlook.com -all", ["include", "all"]),  # real: EOP
        ("V=SPF1 A -ALL", ["a", "all"]),  # §4.5 / §4.6.1: case-insensitive
        ("v=spf1", []),  # §4.5: empty record is valid (neutral)
        ("v=spf1  a  -all ", ["a", "all"]),  # §4.6.1: several spaces, trailing space
    ],
)
def test_valid_records(txt: str, names: list[str]) -> None:
    record = parse_spf_record(txt)
    assert record.valid, record.defects
    assert [m.name for m in record.mechanisms] == names


def test_eop_record_terms() -> None:
    # real: contoso.com / tailspintoys.com in the lab, Microsoft's documented record
    record = parse_spf_record("v=spf1 include:spf.protection.outlook.com -all")
    include, deny = record.mechanisms
    assert include == SpfMechanism(
        "+",
        "include",
        "include:spf.protection.outlook.com",
        domain_spec="spf.protection.outlook.com",
        macro=("spf.protection.outlook.com",),
    )
    assert include.queries_dns
    assert deny.verdict is SpfVerdict.FAIL
    assert not deny.queries_dns
    assert record.redirect is None


def test_dual_cidr_and_networks() -> None:
    # RFC 7208 §5.3 dual-cidr-length, §5.6 ip4/ip6
    record = parse_spf_record(
        "v=spf1 a:mail.example.com/24//64 mx//112 ip4:192.0.2.1/24 ip6:2001:DB8::/32 ip4:1.2.3.4"
    )
    a, mx, ip4, ip6, single = record.mechanisms
    assert (a.domain_spec, a.cidr4, a.cidr6) == ("mail.example.com", 24, 64)
    assert (mx.domain_spec, mx.cidr4, mx.cidr6) == (None, None, 112)
    assert ip4.network == "192.0.2.0/24"
    assert ip6.network == "2001:db8::/32"
    assert single.network == "1.2.3.4/32"


def test_modifiers() -> None:
    # RFC 7208 §6: redirect, exp and unknown modifiers (kept, ignored by evaluation)
    record = parse_spf_record("v=spf1 -all exp=explain.%{d} moo.cow-far_out=man:dog/cat")
    assert record.valid
    assert record.exp == "explain.%{d}"
    names = [m.name for m in record.modifiers]
    assert names == ["exp", "moo.cow-far_out"]
    exp = record.modifier("exp")
    assert isinstance(exp, SpfModifier)
    assert exp.macro == ("explain.", SpfMacro("d", raw="%{d}"))


@pytest.mark.parametrize(
    ("txt", "code"),
    [
        ("v=spf1 -all.", "spf.bad-term"),  # §5.1: all takes no argument
        ("v=spf1 -all:foobar", "spf.bad-term"),  # §5.1
        ("v=spf1 -all/8", "spf.bad-term"),  # §5.1
        ("v=spf1 ip4:1.2.3.4 -all moo", "spf.unknown-mechanism"),  # §4.6
        ("v=spf1 redirect:t2.example.com", "spf.unknown-mechanism"),  # §4.6.1
        ("v=spf1 1up=foo", "spf.bad-term"),  # Appendix A: name starts with ALPHA
        ("v=spf1 =all", "spf.bad-term"),  # Appendix A
        ("v=spf1 ip4:1.2.3.4/33", "spf.bad-cidr"),  # §5.6
        ("v=spf1 ip4:1.2.3.4/032", "spf.bad-cidr"),  # §5.6: no leading zeros
        ("v=spf1 a//129", "spf.bad-cidr"),  # §5.3
        ("v=spf1 a/24/64", "spf.bad-cidr"),  # §5.3: the ip6 cidr needs //
        ("v=spf1 ip4", "spf.bad-ip"),  # §5.6
        ("v=spf1 ip4:1.2.3", "spf.bad-ip"),  # §5.6
        ("v=spf1 ip4:1.2.3.4:8080", "spf.bad-ip"),  # §5.6
        ("v=spf1 ip6::CAFE::BABE", "spf.bad-ip"),  # §5.6
        ("v=spf1 ip6:fe80::1%eth0", "spf.bad-ip"),  # §5.6: no zone id
        ("v=spf1 a:foo-bar -all", "spf.bad-domain-spec"),  # §7.1: needs a dot and toplabel
        ("v=spf1 a:111.222.33.44", "spf.bad-domain-spec"),  # §7.1: toplabel not all digits
        ("v=spf1 a:example.-com", "spf.bad-domain-spec"),  # §7.1
        ("v=spf1 a:museum.", "spf.bad-domain-spec"),  # §7.1
        ("v=spf1 include:ip5.example.com/24", "spf.bad-domain-spec"),  # §5.2
        ("v=spf1 include +all", "spf.bad-term"),  # §5.2
        ("v=spf1 exists", "spf.bad-term"),  # §5.7
        ("v=spf1 a:", "spf.empty-domain-spec"),  # §5.3
        ("v=spf1 ptr:", "spf.empty-domain-spec"),  # §5.5
        ("v=spf1 ptr/0 -all", "spf.bad-term"),  # §5.5
        ("v=spf1 exp= -all", "spf.empty-domain-spec"),  # §6.2
        ("v=spf1 redirect=-all ?all", "spf.bad-domain-spec"),  # §6.1
        ("v=spf1 exp=a.example.com exp=b.example.com", "spf.duplicate-modifier"),  # §6
        ("v=spf1 redirect=a.example.com redirect=b.example.com", "spf.duplicate-modifier"),
        ("v=spf1 -all foo=%abc", "spf.bad-macro"),  # §7.1
        ("v=spf1 a:%{a}.example.com", "spf.bad-macro"),  # §7.1: no such letter
        ("v=spf1 -all exp=%{r}.example.com", "spf.bad-macro"),  # §7.1: r only in exp text
        ("v=spf1 exists:%{d0}.example.com", "spf.bad-macro"),  # §7.1: digit nonzero
        ("v=spf1 exists:%(ir).sbl.example.com", "spf.bad-macro"),  # §7.1
        ("v=spf1 a:foo.example.com\0", "spf.bad-char"),  # §7.1
        ("v=spf1 a:ctrl.example.com\rptr -all", "spf.non-ascii"),  # §4.6.1: SP separates
        ("v=spf1 a:\xefgarbage.example.net -all", "spf.non-ascii"),  # §3.1: 7-bit ASCII
    ],
)
def test_syntax_errors(txt: str, code: str) -> None:
    record = parse_spf_record(txt)
    assert not record.valid
    assert code in {d.code for d in record.defects}
    assert any(d.severity is Severity.ERROR for d in record.defects)


@pytest.mark.parametrize(
    ("txt", "spf"),
    [
        ("v=spf1 -all", True),
        ("v=spf1", True),
        ("V=Spf1 mx", True),
        ("v=spf10", False),  # §4.5: version ends at SP or end of record
        ("v=spf1mx", False),  # §3.3: strings are joined without spaces
        ("spf2.0/pra ip4:1.2.3.4", False),  # Sender ID, not SPF
        ("google-site-verification=abc", False),
        ("", False),
    ],
)
def test_version_selection(txt: str, spf: bool) -> None:
    assert is_spf_version(txt) is spf
    assert parse_spf_record(txt).is_spf is spf


@pytest.mark.parametrize(
    ("txt", "code"),
    [
        ("v=spf1 ptr -all", "spf.ptr"),  # §5.5 SHOULD NOT
        ("v=spf1 +all", "spf.pass-all"),
        ("v=spf1 -all a", "spf.after-all"),  # §5.1
        ("v=spf1 a -all redirect=x.example.com", "spf.redirect-ignored"),  # §6.1
    ],
)
def test_advice_is_not_an_error(txt: str, code: str) -> None:
    record = parse_spf_record(txt)
    assert record.valid
    assert code in _codes(txt)


def test_heavy_record_warns_about_lookups() -> None:
    # lab: heavy-proseware.com.zone (11 includes in two TXT strings, joined)
    txt = "v=spf1 " + " ".join(f"include:_s{i}.heavy-proseware.com" for i in range(11)) + " -all"
    record = parse_spf_record(txt)
    assert record.valid
    assert "spf.too-many-lookups" in _codes(txt)


@pytest.mark.parametrize(
    ("name", "includes", "networks"),
    [
        ("_spf.google.com", 3, 0),
        ("_netblocks.google.com", 0, 11),
        ("_netblocks2.google.com", 0, 6),
        ("_netblocks3.google.com", 0, 10),
        ("sendgrid.net", 1, 8),
        ("janestreet.com", 3, 4),
        ("discoursemail.com", 1, 18),
    ],
)
def test_real_records_from_corpus(name: str, includes: int, networks: int) -> None:
    # corpus: dkim/dns/blaze/<name>.dns (Google's _spf chain and others)
    path = BLAZE / f"{name}.dns"
    need_shared(path)
    lines = [v for k, _, v in (ln.partition(":") for ln in path.read_text().splitlines())]
    spf = [v for v in lines if is_spf_version(v)]
    assert len(spf) == 1
    record = parse_spf_record(spf[0])
    assert record.valid, record.defects
    assert sum(m.name == "include" for m in record.mechanisms) == includes
    assert sum(m.network is not None for m in record.mechanisms) == networks
    assert record.mechanisms[-1].name == "all"


def test_macro_string_tokens() -> None:
    # RFC 7208 §7.1 / §7.4
    tokens, error = parse_macro_string("%{ir}.%{v}._spf.%{D2}%%%_%-")
    assert error is None
    assert tokens == (
        SpfMacro("i", reverse=True, raw="%{ir}"),
        ".",
        SpfMacro("v", raw="%{v}"),
        "._spf.",
        SpfMacro("d", digits=2, url_escape=True, raw="%{D2}"),
        "% %20",
    )
    tokens, _ = parse_macro_string("%{l2r+-}")
    assert tokens == (SpfMacro("l", digits=2, reverse=True, delimiters="+-", raw="%{l2r+-}"),)


@pytest.mark.parametrize(
    ("text", "explanation", "ok"),
    [
        ("%{c} is not one of %{d}'s designated mail servers.", True, True),  # §6.2 example
        ("%{c} is not one of %{d}'s designated mail servers.", False, False),  # c and SP
        ("See http://%{d}/why.html?s=%{S}&i=%{C}", True, True),  # §6.2 example
        ("The %{x}-files.", True, False),  # suite: explanation-syntax-error
        ("100%", True, False),  # §7.1: lone '%'
        ("%{t}", True, True),
        ("%{t}", False, False),
    ],
)
def test_macro_string_validation(text: str, explanation: bool, ok: bool) -> None:
    _, error = parse_macro_string(text, explanation=explanation)
    assert (error is None) is ok


@pytest.mark.parametrize(
    ("spec", "ok"),
    [
        ("example.com", True),
        ("example.com.", True),
        ("%{d}", True),  # ends in a macro
        ("_spf.%{d2}", True),
        ("foo:bar/baz.example.com", True),  # §7.1: any visible char but '%'
        ("foo.example.xn--zckzah", True),  # dashes inside the toplabel
        ("example", False),
        ("abc.123", False),
        ("", False),
    ],
)
def test_domain_spec(spec: str, ok: bool) -> None:
    _, error = parse_domain_spec(spec)
    assert (error is None) is ok


@pytest.mark.parametrize(
    ("label", "ok"),
    [("com", True), ("xn--p1ai", True), ("123-4", True), ("123", False), ("-com", False)],
)
def test_toplabel(label: str, ok: bool) -> None:
    assert is_toplabel(label) is ok
