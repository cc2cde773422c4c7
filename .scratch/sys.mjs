import { openSync, fstatSync, readSync, closeSync, readdirSync } from 'node:fs';
const [dir, part, parts] = process.argv.slice(2);
const files = [];
for (const c of ['down','left','no','off','on','right','up','yes']) for (const f of readdirSync(`${dir}/${c}`)) files.push(`${dir}/${c}/${f}`);
const mine = files.filter((_, i) => i % Number(parts) === Number(part));
const buf = Buffer.alloc(4096);
const t0 = performance.now();
for (const p of mine) { const fd = openSync(p, 'r'); const st = fstatSync(fd, {bigint:true}); readSync(fd, buf, 0, 4096, 0); closeSync(fd); }
console.log(`part ${part}/${parts}: ${mine.length} files ${(performance.now()-t0).toFixed(0)} ms, ${((performance.now()-t0)*1000/mine.length).toFixed(1)} us/file`);
