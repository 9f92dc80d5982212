// `node bench/explain-reads.mjs <edcps.db>`: the describeInstances statements (first page and
// total; unfiltered, by status, by a name substring) and describeInstance, with SQLite's plan and
// the CPU time each takes, run directly on a copy of a bench database (e.g. the one quick.mjs keeps
// with BENCH_DATA). CPU time (process.cpuUsage), not wall time: on a machine shared with other
// work it is the figure that moves least. A diagnosis aid for docs/benchmarks.md.
import Database from 'better-sqlite3';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/explain-reads.mjs <edcps.db>');
const db = new Database(file, { readonly: true, fileMustExist: true });
const owner = db.prepare('select account_id as a, region_id as r from instances limit 1').get();
const { id } = db.prepare('select id from instances order by random() limit 1').get();
const view = `select "i".*, "v"."name" as "vpc_name", "s"."name" as "subnet_name", "xv"."name" as "extension_vpc_name",
  "xs"."name" as "extension_subnet_name", "e"."ip" as "public_ip", "xe"."ip" as "extension_public_ip"
  from "instances" as "i" left join "vpcs" as "v" on "v"."id" = "i"."vpc_id" left join "subnets" as "s" on "s"."id" = "i"."subnet_id"
  left join "vpcs" as "xv" on "xv"."id" = "i"."extension_vpc_id" left join "subnets" as "xs" on "xs"."id" = "i"."extension_subnet_id"
  left join "elastic_ips" as "e" on "e"."id" = "i"."elastic_ip_id" left join "elastic_ips" as "xe" on "xe"."id" = "i"."extension_elastic_ip_id"`;
const mine = `"i"."account_id" = ? and "i"."region_id" = ?`;
const newest = `order by "i"."created_at" desc, "i"."id" desc`;
const byName = `lower("i"."name") like '%frontend%' escape '\\'`;
const queries = [
  [
    'page, no filter',
    `${view} where "i"."id" in (select "i"."id" from "instances" as "i" where ${mine} ${newest} limit 20) ${newest}`,
    [owner.a, owner.r],
  ],
  ['describeInstance', `${view} where "i"."id" = ? and ${mine}`, [id, owner.a, owner.r]],
  [
    'page ids, status running',
    `select "i"."id" from "instances" as "i" where ${mine} and "i"."status" in ('running') ${newest} limit 20`,
    [owner.a, owner.r],
  ],
  [
    'page ids, status error',
    `select "i"."id" from "instances" as "i" where ${mine} and "i"."status" in ('error') ${newest} limit 20`,
    [owner.a, owner.r],
  ],
  [
    'total, status running',
    `select count(*) from "instances" as "i" where ${mine} and "i"."status" in ('running')`,
    [owner.a, owner.r],
  ],
  [
    'page ids, name frontend',
    `select "i"."id" from "instances" as "i" where ${mine} and ${byName} ${newest} limit 20`,
    [owner.a, owner.r],
  ],
  [
    'total, name frontend',
    `select count(*) from "instances" as "i" where ${mine} and ${byName}`,
    [owner.a, owner.r],
  ],
];
const { n } = db.prepare('select count(*) as n from instances').get();
console.log(`${file}: ${n} instances`);
for (const [name, text, args] of queries) {
  const stmt = db.prepare(text);
  const plan = db
    .prepare(`explain query plan ${text}`)
    .all(...args)
    .map((r) => r.detail)
    .join(' | ');
  stmt.all(...args);
  // About a second of work, at least 5 runs.
  let runs = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (runs < 5 || used < 1e6) {
    stmt.all(...args);
    runs++;
    const u = process.cpuUsage(start);
    used = u.user + u.system;
  }
  console.log(`${name.padEnd(26)} ${(used / runs).toFixed(1).padStart(10)} µs CPU   ${plan}`);
}
