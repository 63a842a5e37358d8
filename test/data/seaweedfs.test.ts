// The object-storage link with the real server: SeaweedFS (`weed server`, the
// process the chart's all-in-one Deployment runs), built from the Go module of
// the chart's release, with per-team identities whose actions are scoped to
// the team's buckets (the shape the platform generates for -s3.config) and the
// buckets created by the chart's own bucket-hook commands.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Client, signV4, type S3Credentials } from "../harness/s3-client.js";
import { chartAppVersion, checkSeaweedfsRelease, startSeaweedfs, weedRelease, type Seaweedfs } from "../harness/seaweedfs.js";

describe("the S3 client's SigV4 signer", () => {
  // The examples of AWS's "Authenticating Requests: Using the Authorization Header"
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
  const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
  const date = new Date("2013-05-24T00:00:00Z");
  const signature = (headers: Record<string, string>): string | undefined => /Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? "")?.[1];

  it("signs AWS's GET Object example", () => {
    const url = new URL("https://examplebucket.s3.amazonaws.com/test.txt");
    const headers = signV4({ method: "GET", url, headers: { Range: "bytes=0-9" }, credentials, date });
    expect(headers.authorization).toContain("Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,");
    expect(signature(headers)).toBe("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  });

  it("signs AWS's PUT Object example (a body, and a key that needs encoding)", () => {
    const url = new URL("https://examplebucket.s3.amazonaws.com/test%24file.text");
    const headers = signV4({
      method: "PUT",
      url,
      headers: { Date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" },
      body: Buffer.from("Welcome to Amazon S3."),
      credentials,
      date,
    });
    expect(headers["x-amz-content-sha256"]).toBe("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    expect(signature(headers)).toBe("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  });

  it("signs AWS's GET Bucket (List Objects) example (a query string)", () => {
    const url = new URL("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
    expect(signature(signV4({ method: "GET", url, credentials, date }))).toBe("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  });
});

describe("the SeaweedFS release", () => {
  it("reads the chart's appVersion and the release in `weed version` output", () => {
    expect(chartAppVersion()).toBe("4.53");
    expect(weedRelease("version 30GB 4.53 linux amd64\n")).toBe("4.53");
    expect(() => weedRelease("weed: command not found")).toThrow(/cannot read a release/);
  });

  it("refuses a weed that is not the chart's release, saying how to pin the right one", () => {
    expect(() => checkSeaweedfsRelease("4.53", "version 30GB 4.53 linux amd64")).not.toThrow();
    expect(() => checkSeaweedfsRelease("4.53", "version 30GB 4.52 linux amd64", "github.com/seaweedfs/seaweedfs", "v0.0.0-x")).toThrow(
      /deploys SeaweedFS 4\.53 .* is 4\.52\. Pin the module version of the chart's release/,
    );
  });
});

const key = (): S3Credentials => ({ accessKeyId: randomBytes(10).toString("hex").toUpperCase(), secretAccessKey: randomBytes(20).toString("base64") });

interface Identity {
  name: string;
  credentials?: { accessKey: string; secretKey: string }[];
  actions: string[];
}

/** -s3.config in the shape the platform generates: bucket-scoped actions, never wildcards. */
function s3Config(keys: Record<"admin" | "alpha" | "beta", S3Credentials>): string {
  const credentials = (k: S3Credentials) => [{ accessKey: k.accessKeyId, secretKey: k.secretAccessKey }];
  const team = (buckets: string[]) => buckets.flatMap((bucket) => ["Read", "Write", "List", "Tagging"].map((action) => `${action}:${bucket}`));
  const identities: Identity[] = [
    { name: "platform-admin", credentials: credentials(keys.admin), actions: ["Admin", "Read", "List", "Tagging", "Write"] },
    { name: "team-alpha", credentials: credentials(keys.alpha), actions: team(["alpha-raw", "alpha-eventlog"]) },
    { name: "team-beta", credentials: credentials(keys.beta), actions: team(["beta-raw"]) },
    { name: "anonymous", actions: ["Read:platform-artifacts"] },
  ];
  return `${JSON.stringify({ identities }, null, 2)}\n`;
}

const BUCKETS = ["alpha-raw", "alpha-eventlog", "beta-raw", "alpha-rawx", "platform-artifacts"];

describe("SeaweedFS with per-team identities", () => {
  const keys = { admin: key(), alpha: key(), beta: key() };
  let server: Seaweedfs;
  let admin: S3Client;
  let alpha: S3Client;
  let beta: S3Client;
  let anonymous: S3Client;

  beforeAll(async () => {
    const started = Date.now();
    server = await startSeaweedfs({ s3Config: s3Config(keys) });
    const up = Date.now();
    await server.createBuckets(BUCKETS);
    process.stderr.write(`[seaweedfs] S3 answered ${up - started} ms after start; ${BUCKETS.length} buckets created by the hook's commands in ${Date.now() - up} ms\n`);
    admin = new S3Client(server.s3Endpoint, keys.admin);
    alpha = new S3Client(server.s3Endpoint, keys.alpha);
    beta = new S3Client(server.s3Endpoint, keys.beta);
    anonymous = new S3Client(server.s3Endpoint);
    // Objects that teams must not reach, written by their owners.
    expect((await beta.putObject("beta-raw", "secret.txt", "beta's data")).status).toBe(200);
    expect((await admin.putObject("alpha-rawx", "other.txt", "not alpha's")).status).toBe(200);
    expect((await admin.putObject("platform-artifacts", "jobs/app.py", "print('hi')")).status).toBe(200);
  });

  afterAll(async () => {
    // Peak memory of the server, for the suite's budget (Linux /proc; absent elsewhere).
    const status = server ? `/proc/${server.daemon.pid}/status` : "";
    const peak = existsSync(status) ? /VmHWM:\s*(\d+) kB/.exec(readFileSync(status, "utf8"))?.[1] : undefined;
    const stopping = Date.now();
    await server?.stop();
    const memory = peak ? `peak RSS ${Math.round(Number(peak) / 1024)} MB; ` : "";
    process.stderr.write(`[seaweedfs] ${memory}stopped in ${Date.now() - stopping} ms\n`);
  });

  it("creates the buckets with the chart hook's commands, idempotently", async () => {
    const listed = await server.shell("s3.bucket.list");
    for (const bucket of BUCKETS) expect(listed).toMatch(new RegExp(`^\\s*${bucket}\\s`, "m"));
    // The hook runs on every upgrade: a second run must leave existing buckets (and their objects) alone.
    await server.createBuckets(BUCKETS);
    expect((await beta.getObject("beta-raw", "secret.txt")).text).toBe("beta's data");
    // A name the server refuses fails the hook (weed shell exits 1) rather than passing unnoticed.
    await expect(server.createBuckets(["Alpha_Raw"])).rejects.toThrow(/bucket name can only contain lowercase letters/);
  });

  it("lets a team write, read, list and delete in its own buckets", async () => {
    for (const bucket of ["alpha-raw", "alpha-eventlog"]) {
      expect((await alpha.putObject(bucket, "events/part-0.parquet", "alpha rows")).status).toBe(200);
      expect((await alpha.getObject(bucket, "events/part-0.parquet")).text).toBe("alpha rows");
      expect((await alpha.headObject(bucket, "events/part-0.parquet")).status).toBe(200);
      expect((await alpha.listObjects(bucket, "events/")).keys).toEqual(["events/part-0.parquet"]);
    }
    expect((await alpha.deleteObject("alpha-eventlog", "events/part-0.parquet")).status).toBe(204);
    expect((await alpha.headObject("alpha-eventlog", "events/part-0.parquet")).status).toBe(404);
  });

  it("refuses a team every operation on another team's bucket", async () => {
    const refusals = {
      get: await alpha.getObject("beta-raw", "secret.txt"),
      put: await alpha.putObject("beta-raw", "evil.txt", "x"),
      list: await alpha.listObjects("beta-raw"),
      delete: await alpha.deleteObject("beta-raw", "secret.txt"),
    };
    for (const [operation, response] of Object.entries(refusals)) {
      expect({ operation, status: response.status, code: response.code }).toEqual({ operation, status: 403, code: "AccessDenied" });
    }
    expect(refusals.list.keys).toEqual([]);
    // Nothing changed: beta's object is still there and alpha's is not.
    expect((await beta.listObjects("beta-raw")).keys).toEqual(["secret.txt"]);
  });

  it("matches bucket-scoped actions exactly: alpha-raw does not reach alpha-rawx", async () => {
    for (const response of [
      await alpha.getObject("alpha-rawx", "other.txt"),
      await alpha.putObject("alpha-rawx", "x.txt", "x"),
      await alpha.listObjects("alpha-rawx"),
      await alpha.deleteObject("alpha-rawx", "other.txt"),
    ]) {
      expect([response.status, response.code]).toEqual([403, "AccessDenied"]);
    }
    expect((await admin.listObjects("alpha-rawx")).keys).toEqual(["other.txt"]);
  });

  it("would leak to alpha-rawx with a wildcard action, which is why the platform never generates one", async () => {
    // Wildcard actions match `Action:bucket/key` as a pattern (s3api/auth_credentials.go CanDo).
    server.writeConfig(s3Config(keys).replace('"Read:alpha-raw"', '"Read:alpha-raw*"'));
    await server.reload();
    try {
      expect((await alpha.getObject("alpha-rawx", "other.txt")).text).toBe("not alpha's");
    } finally {
      server.writeConfig(s3Config(keys));
      await server.reload();
    }
    expect((await alpha.getObject("alpha-rawx", "other.txt")).status).toBe(403);
  });

  it("does not let a team create buckets (only the platform's hook does)", async () => {
    const refused = await alpha.createBucket("alpha-new");
    expect([refused.status, refused.code]).toEqual([403, "AccessDenied"]);
    expect(await server.shell("s3.bucket.list")).not.toMatch(/^\s*alpha-new\s/m);
    // The refusal is about the identity: the admin identity may.
    expect((await admin.createBucket("admin-made")).status).toBe(200);
  });

  it("lets anonymous callers read platform-artifacts only", async () => {
    expect((await anonymous.getObject("platform-artifacts", "jobs/app.py")).text).toBe("print('hi')");
    const write = await anonymous.putObject("platform-artifacts", "jobs/evil.py", "x");
    expect([write.status, write.code]).toEqual([403, "AccessDenied"]);
    await alpha.putObject("alpha-raw", "public?.txt", "no");
    const read = await anonymous.getObject("alpha-raw", "public?.txt");
    expect([read.status, read.code]).toEqual([403, "AccessDenied"]);
  });

  it("takes rotated keys on SIGHUP: the old key is refused, the new one works, other teams keep theirs", async () => {
    const rotated = { ...keys, alpha: key() };
    server.writeConfig(s3Config(rotated));
    const started = Date.now();
    await server.reload();
    process.stderr.write(`[seaweedfs] reload took ${Date.now() - started} ms\n`);
    const old = await alpha.getObject("alpha-raw", "events/part-0.parquet");
    expect(old.status).toBe(403);
    expect(old.code).toBe("InvalidAccessKeyId");
    const renewed = new S3Client(server.s3Endpoint, rotated.alpha);
    expect((await renewed.getObject("alpha-raw", "events/part-0.parquet")).text).toBe("alpha rows");
    expect((await renewed.getObject("beta-raw", "secret.txt")).status).toBe(403);
    expect((await beta.getObject("beta-raw", "secret.txt")).text).toBe("beta's data");
    Object.assign(keys, rotated);
    alpha = renewed;
  });

  it("keeps its identities when a reloaded file cannot be parsed (a restart is what fails closed)", async () => {
    server.writeConfig('{"identities": [');
    await expect(server.reload()).rejects.toThrow(/kept its previous identities: fail to load config file/);
    expect((await alpha.getObject("alpha-raw", "events/part-0.parquet")).status).toBe(200);
  });

  it("denies everyone once a reloaded file yields no identity", async () => {
    // A misspelt top-level key is ignored by the parser, so this file declares no identity at all.
    server.writeConfig(s3Config(keys).replace('"identities"', '"identity"'));
    await server.reload();
    for (const response of [
      await admin.listObjects("alpha-raw"),
      await alpha.getObject("alpha-raw", "events/part-0.parquet"),
      await anonymous.getObject("platform-artifacts", "jobs/app.py"),
    ]) {
      expect(response.status).toBe(403);
    }
    server.writeConfig(s3Config(keys));
    await server.reload();
    expect((await alpha.getObject("alpha-raw", "events/part-0.parquet")).status).toBe(200);
  });
});

describe("SeaweedFS started with a broken -s3.config", () => {
  it("denies everyone when the file yields no identity", async () => {
    const server = await startSeaweedfs({ s3Config: '{"identities": []}\n', buckets: ["platform-artifacts"] });
    try {
      const anyone = key();
      expect((await new S3Client(server.s3Endpoint).listObjects("platform-artifacts")).status).toBe(403);
      expect((await new S3Client(server.s3Endpoint, anyone).putObject("platform-artifacts", "x", "x")).status).toBe(403);
    } finally {
      await server.stop();
    }
  });

  it("does not start when the file is not JSON", async () => {
    await expect(startSeaweedfs({ s3Config: "identities: [" })).rejects.toThrow(/weed exited with code \d+[\s\S]*fail to load config file/);
  });
});
