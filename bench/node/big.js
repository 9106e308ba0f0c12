'use strict';
// Measurement 3 peer side: node big.js FILE PORT -> DKIM verification time and peak RSS (JSON).
const fs = require('node:fs');
const dns = require('node:dns');
const { dkimVerify } = require('mailauth/lib/dkim/verify');

async function main() {
    const [file, port] = process.argv.slice(2);
    const baseline = process.resourceUsage().maxRSS / 1024;
    const t0 = process.hrtime.bigint();
    const message = fs.readFileSync(file);
    const r = new dns.promises.Resolver({ timeout: 3000, tries: 2 });
    r.setServers([`127.0.0.1:${port}`]);
    const res = await dkimVerify(message, { resolver: (n, t) => r.resolve(n, t) });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(
        JSON.stringify({
            dkim_ms: ms,
            results: res.results.map(x => x.status.result),
            baseline_rss_mib: baseline,
            peak_total_mib: process.resourceUsage().maxRSS / 1024,
        }) + '\n'
    );
}
main().catch(err => {
    process.stderr.write(String(err) + '\n');
    process.exit(1);
});
