// Print, one JSON line per file, the map that each ECharts map script in a folder registers.
// The scripts are minified object literals (not JSON), so they are run in a sandbox whose only
// global is a stand-in `echarts` that records the registerMap call.
// Usage: node registered_maps.js DIR
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const dir = process.argv[2];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "index.js").sort()) {
  let registered = null;
  const sandbox = {
    echarts: { registerMap: (name, data) => { registered = { file, name, data }; } },
    console,
  };
  vm.runInNewContext(fs.readFileSync(path.join(dir, file), "utf8"), sandbox, { timeout: 5000 });
  if (registered === null) {
    throw new Error(`${file}: no registerMap call`);
  }
  process.stdout.write(JSON.stringify(registered) + "\n");
}
