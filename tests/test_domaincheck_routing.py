"""``headerlens check``: MX routing, DNS blocklists, MTA-STS/TLS-RPT/BIMI and DNSSEC, over Knot + Unbound.

Zones: tests/data/dns/zones/mxcheck.test.zone (the domains), mail.protection.outlook.com.zone and
in.tmes.trendmicro.com.zone (the gateways), zen.spamhaus.org / b.barracudacentral.org /
bl.spamcop.net (test blocklists with the operators' return codes, TEST-NET addresses only).
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
from typing import Any

import pytest

from headerlens.check_cmd import run_check
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.domaincheck.check import check_domain
from headerlens.domaincheck.mailrouting import dnsbl_name, expected_mx, is_gateway
from headerlens.model.domaincheck import DomainCheck
from headerlens.model.mailrouting import DnsblState, MxState
from headerlens.parsers.mailpolicy import read_bimi, read_mta_sts, read_tls_rpt
from headerlens.report.domaincheck import outline, to_markdown
from tests.dnslab import LabDns


def _check(lab: LabDns, domain: str, **kw: object) -> DomainCheck:
    resolver = LiveResolver([(lab.host, lab.port)], timeout=2.0)
    return asyncio.run(check_domain(domain, resolver, label="lab", **kw))  # type: ignore[arg-type]


def _mx_codes(result: DomainCheck) -> list[str]:
    assert result.mx is not None
    return [p.code for p in result.mx.problems] + [
        p.code for h in result.mx.hosts for p in h.problems
    ]


# --- pure parts -----------------------------------------------------------------------------


def test_expected_mx_per_provider() -> None:
    assert expected_mx("contoso.com", "eop") == ("contoso-com.mail.protection.outlook.com",)
    assert expected_mx("fab-rikam.co.uk", "hes") == ("fab-rikam-co-uk.in.tmes.trendmicro.com",)
    assert "smtp.google.com" in expected_mx("x.org", "google")


@pytest.mark.parametrize(
    ("host", "provider", "gateway"),
    [
        ("contoso-com.mail.protection.outlook.com", "eop", True),
        ("contoso-com.o-v1.mx.microsoft", "eop", True),
        ("mail.protection.outlook.com.evil.example", "eop", False),
        ("contoso-com.in.tmes.trendmicro.eu", "hes", True),
        ("in.hes.trendmicro.com", "hes", True),
        ("spf.hes.trendmicro.com", "hes", False),  # the SPF name is not an inbound host
        ("smtp.google.com", "google", True),
        ("alt2.aspmx.l.google.com", "google", True),
        ("mx.google.com.example", "google", False),
    ],
)
def test_gateway_hosts(host: str, provider: str, gateway: bool) -> None:
    assert is_gateway(host, provider) is gateway


def test_dnsbl_query_names() -> None:
    assert dnsbl_name("192.0.2.99", "zen.spamhaus.org") == "99.2.0.192.zen.spamhaus.org"
    assert dnsbl_name("::ffff:192.0.2.99", "zen.spamhaus.org.") == "99.2.0.192.zen.spamhaus.org"
    v6 = dnsbl_name("2001:db8::1", "zen.spamhaus.org")
    assert v6 is not None and v6.endswith(".8.b.d.0.1.0.0.2.zen.spamhaus.org")
    assert v6.startswith("1.0.0.0.") and len(v6.split(".")) == 32 + 3
    assert dnsbl_name("not-an-ip", "zen.spamhaus.org") is None


def test_policy_records_read_alone() -> None:
    assert read_mta_sts(["v=STSv1; id=abc123"]).problems == ()
    assert [p.code for p in read_mta_sts(["v=STSv1; id=a-b"]).problems] == ["mta-sts.bad-id"]
    assert [p.code for p in read_mta_sts(["v=STSv1;"]).problems] == ["mta-sts.no-id"]
    assert read_mta_sts(["unrelated"]).record is None
    assert [p.code for p in read_tls_rpt(["v=TLSRPTv1; rua=a@b.example"]).problems] == [
        "tls-rpt.bad-uri"
    ]
    assert read_tls_rpt(["v=TLSRPTv1; rua=mailto:a@b.example,https://r.example/x"]).problems == ()
    declined = read_bimi(["v=BIMI1; l=; a="], None)
    assert declined.problems == () and "declines" in declined.words[0]
    assert "bimi.dmarc-not-enforced" in {
        p.code for p in read_bimi(["v=BIMI1; l=https://x.example/l.svg"], "none").problems
    }


# --- MX routing over the lab DNS --------------------------------------------------------------


@pytest.mark.dns
def test_eop_mx_right(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "eop-good.mxcheck.test", provider="eop")
    assert r.mx is not None and r.mx.state is MxState.OK
    [host] = r.mx.hosts
    assert host.gateway is True and host.addresses == ("52.101.68.10",)
    assert _mx_codes(r) == [] and r.mx.publish is None


@pytest.mark.dns
def test_eop_mx_wrong_gives_the_record_to_publish(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "eop-wrong.mxcheck.test", provider="eop")
    assert r.mx is not None and _mx_codes(r) == ["mx.not-gateway"]
    assert r.mx.publish == (
        "eop-wrong.mxcheck.test MX 0 eop-wrong-mxcheck-test.mail.protection.outlook.com"
    )
    assert f"`{r.mx.publish}`" in to_markdown(r)  # a code span: exactly as typed


@pytest.mark.dns
def test_backup_mx_that_bypasses_the_gateway(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "eop-bypass.mxcheck.test", provider="eop")
    assert r.mx is not None
    assert [(h.host, h.gateway) for h in r.mx.hosts] == [
        ("eop-bypass-mxcheck-test.mail.protection.outlook.com", True),
        ("mail.eop-bypass.mxcheck.test", False),
    ]
    [bypass] = [p for p in r.mx.problems if p.code == "mx.bypass"]
    assert "mail.eop-bypass.mxcheck.test" in bypass.message and "after" in bypass.message


@pytest.mark.dns
def test_hes_mx_right_and_wrong(lab_dns: LabDns) -> None:
    good = _check(lab_dns, "hes-good.mxcheck.test", provider="hes")
    assert good.mx is not None and _mx_codes(good) == []
    assert good.mx.hosts[0].addresses == ("18.208.22.100",)
    wrong = _check(lab_dns, "hes-wrong.mxcheck.test", provider="hes")
    assert wrong.mx is not None
    assert sorted(_mx_codes(wrong)) == ["mx.no-address", "mx.not-gateway"]
    assert wrong.mx.publish is not None and "in.tmes.trendmicro.com" in wrong.mx.publish


@pytest.mark.dns
def test_null_mx_and_no_provider(lab_dns: LabDns) -> None:
    null = _check(lab_dns, "nullmx.mxcheck.test")
    assert null.mx is not None and null.mx.state is MxState.NULL
    plain = _check(lab_dns, "eop-wrong.mxcheck.test")  # no provider: nothing to compare with
    assert plain.mx is not None and plain.mx.hosts[0].gateway is None and _mx_codes(plain) == []


# --- blocklists -----------------------------------------------------------------------------


@pytest.mark.dns
def test_dnsbl_listed_unlisted_and_refused(lab_dns: LabDns) -> None:
    listed = _check(lab_dns, "eop-good.mxcheck.test", ip="192.0.2.99", dnsbl=True)
    assert listed.dnsbl is not None
    by_zone = {r.zone: r for r in listed.dnsbl.results}
    zen = by_zone["zen.spamhaus.org"]
    assert zen.state is DnsblState.LISTED and zen.codes == ("127.0.0.4", "127.0.0.10")
    assert "XBL" in " ".join(zen.meanings) and "PBL" in " ".join(zen.meanings)
    assert "check.spamhaus.org" in zen.reason
    assert by_zone["bl.spamcop.net"].state is DnsblState.LISTED
    assert by_zone["b.barracudacentral.org"].state is DnsblState.NOT_LISTED

    clean = _check(lab_dns, "eop-good.mxcheck.test", ip="192.0.2.7", dnsbl=True)
    assert clean.dnsbl is not None
    assert {r.state for r in clean.dnsbl.results} == {DnsblState.NOT_LISTED}

    refused = _check(lab_dns, "eop-good.mxcheck.test", ip="192.0.2.254", dnsbl=True)
    assert refused.dnsbl is not None
    zen = {r.zone: r for r in refused.dnsbl.results}["zen.spamhaus.org"]
    assert zen.state is DnsblState.REFUSED  # never reported as a listing
    assert "public or open resolver" in zen.meanings[0]


@pytest.mark.dns
def test_dnsbl_is_opt_in(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "eop-good.mxcheck.test", ip="192.0.2.99")
    assert r.dnsbl is None
    assert not any("spamhaus" in q.name for q in r.dns_log)


# --- MTA-STS, TLS-RPT, BIMI, DNSSEC ------------------------------------------------------------


@pytest.mark.dns
def test_policies_valid(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "policy-good.mxcheck.test")
    kinds = {p.kind: p for p in r.policies}
    assert set(kinds) == {"MTA-STS", "TLS-RPT", "BIMI"}
    assert all(p.record and not p.problems for p in r.policies), r.policies
    assert "not checked" in kinds["MTA-STS"].words[0]  # the HTTPS policy is not fetched


@pytest.mark.dns
def test_policies_broken(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "policy-bad.mxcheck.test")
    codes = {p.kind: {d.code for d in p.problems} for p in r.policies}
    assert codes["MTA-STS"] == {"mta-sts.bad-id"}
    assert codes["TLS-RPT"] == {"tls-rpt.bad-uri"}
    assert codes["BIMI"] == {"bimi.l-not-https", "bimi.logo-not-svg", "bimi.dmarc-not-enforced"}
    two = _check(lab_dns, "policy-two.mxcheck.test")
    assert {d.code for p in two.policies for d in p.problems} >= {"mta-sts.multiple"}
    none = _check(lab_dns, "eop-wrong.mxcheck.test")
    assert [p.record for p in none.policies] == [None, None, None]


@pytest.mark.dns
def test_dnssec_unsigned_lab_zone(lab_dns: LabDns) -> None:
    r = _check(lab_dns, "eop-good.mxcheck.test")
    assert r.dnssec is not None
    assert (r.dnssec.dnskeys, r.dnssec.ds, r.dnssec.validated) == (0, 0, None)
    assert "not signed" in r.dnssec.words[0]


# --- the command line -----------------------------------------------------------------------


@pytest.mark.dns
def test_cli_sections_and_json(lab_dns: LabDns) -> None:
    base = ["--resolver", f"{lab_dns.host}:{lab_dns.port}"]
    out = io.StringIO()
    argv = ["eop-bypass.mxcheck.test", "--provider", "eop", "--ip", "192.0.2.99", "--dnsbl", *base]
    assert run_check(argv, out) == 0
    md = out.getvalue()
    for heading in ("## MX (inbound routing)", "## Blocklists for 192.0.2.99", "## DNSSEC"):
        assert heading in md
    js = io.StringIO()
    assert run_check([*argv, "--format", "json"], js) == 0
    check = json.loads(js.getvalue())["check"]
    assert check["mx"]["hosts"][1]["gateway"] is False
    assert {r["state"] for r in check["dnsbl"]["results"]} == {"listed", "not listed"}


def test_cli_dnsbl_needs_ip() -> None:
    with pytest.raises(SystemExit) as exc:
        run_check(["contoso.com", "--dnsbl", "--offline"], io.StringIO())
    assert exc.value.code == 2


@pytest.mark.dns
def test_outline_lines_hold_dns_text_inert(lab_dns: LabDns) -> None:
    # Every outline line is plain text the renderers escape; the MX section is in it.
    r = _check(lab_dns, "eop-wrong.mxcheck.test", provider="eop")
    texts = [line.text for line in outline(r)]
    assert any(t.startswith("MX 10 mail.eop-wrong.mxcheck.test") for t in texts)


@pytest.mark.dns
def test_routing_sections_snapshot(lab_dns: LabDns, snap_compare: Any) -> None:
    # The console's domain-check screen showing MX, blocklists, MTA-STS/TLS-RPT/BIMI and DNSSEC
    # (SPF, DKIM, DMARC and the DNS evidence left out so the new sections fill the screen).
    from headerlens.tui.checkscreen import DomainCheckScreen
    from tests.test_checkscreen import CheckApp

    full = _check(lab_dns, "eop-bypass.mxcheck.test", provider="eop", ip="192.0.2.99", dnsbl=True)
    shown = dataclasses.replace(
        full, spf=None, dkim=(), dmarc=None, dns_log=(), advice=(), records=()
    )
    app = CheckApp(DomainCheckScreen("eop-bypass.mxcheck.test", shown, resolver=None))
    assert snap_compare(app, terminal_size=(110, 40))
