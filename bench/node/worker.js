'use strict';
// In-process side for mailauth: one JSON request per stdin line, one JSON answer per line.
const fs = require('node:fs');
const readline = require('node:readline');
const { runMailauth } = require('./peer');

const rl = readline.createInterface({ input: process.stdin });
const queue = [];
let busy = false;

async function drain() {
    if (busy) return;
    busy = true;
    while (queue.length) {
        const req = JSON.parse(queue.shift());
        let out;
        try {
            const message = fs.readFileSync(req.file);
            out = await runMailauth(message, req);
        } catch (err) {
            out = { error: String(err && err.stack ? err.stack : err) };
        }
        process.stdout.write(JSON.stringify(out) + '\n');
    }
    busy = false;
}

rl.on('line', line => {
    queue.push(line);
    drain();
});
