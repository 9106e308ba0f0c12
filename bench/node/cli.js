'use strict';
// Whole-process peer: node cli.js FILE PORT IP HELO SENDER -> prints the verdicts as JSON.
const fs = require('node:fs');
const { runMailauth } = require('./peer');

const [file, port, ip, helo, sender] = process.argv.slice(2);
runMailauth(fs.readFileSync(file), { port, ip, helo, sender }).then(
    out => process.stdout.write(JSON.stringify(out) + '\n'),
    err => {
        process.stderr.write(String(err) + '\n');
        process.exit(1);
    }
);
