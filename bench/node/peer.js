'use strict';
// Runs mailauth's authenticate() on one message with its DNS pointed at the benchmark proxy.
const dns = require('node:dns');
const { authenticate } = require('mailauth');

function makeResolver(port) {
    // A fresh c-ares channel per message: its query cache starts empty, like headerlens's.
    const r = new dns.promises.Resolver({ timeout: 3000, tries: 2 });
    r.setServers([`127.0.0.1:${port}`]);
    return (name, rrtype) => r.resolve(name, rrtype);
}

function word(x) {
    return x && x.status ? x.status.result : null;
}

async function runMailauth(message, { ip, helo, sender, port }) {
    const t0 = process.hrtime.bigint();
    const res = await authenticate(message, {
        ip: ip || undefined,
        helo: helo || undefined,
        sender: sender || undefined,
        mta: 'bench.headerlens.test',
        resolver: makeResolver(port),
        disableBimi: true, // headerlens does not do BIMI: keep the work comparable
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return {
        total_ms: ms,
        verdicts: {
            spf: word(res.spf),
            dkim: ((res.dkim && res.dkim.results) || []).map(word),
            dmarc: word(res.dmarc),
            arc: word(res.arc),
        },
    };
}

module.exports = { runMailauth };
