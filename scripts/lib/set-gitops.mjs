#!/usr/bin/env node
// Points platform.yaml at another repository and revision, keeping its
// comments, for a checkout that Argo CD must sync from elsewhere (CI's git
// daemon, the GitOps suite). Run `npm run build` afterwards.
//
//   set-gitops.mjs --root DIR [--repo-url URL] [--revision REV]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseDocument } from "yaml";

const { values } = parseArgs({ options: { root: { type: "string", default: "." }, "repo-url": { type: "string" }, revision: { type: "string" } } });
const file = join(values.root, "platform.yaml");
let text;
try {
  text = readFileSync(file, "utf8");
} catch (error) {
  process.stderr.write(`${file}: ${error.message}\n`);
  process.exit(1);
}
const doc = parseDocument(text);
if (doc.errors.length) {
  process.stderr.write(`${file}: ${doc.errors[0].message}\n`);
  process.exit(1);
}
if (values["repo-url"]) doc.setIn(["gitops", "repoURL"], values["repo-url"]);
if (values.revision) doc.setIn(["gitops", "targetRevision"], values.revision);
writeFileSync(file, doc.toString());
