// The few S3 calls the data-flow tests make, path-style, signed with AWS
// Signature Version 4 (header-based, region us-east-1). Written on node:crypto
// rather than taking the AWS SDK (dozens of packages) for six requests; the
// signer is checked against the examples of AWS's S3 SigV4 documentation
// (test/data/seaweedfs.test.ts). Responses are returned, never thrown, so that a
// test can assert a refusal's status and S3 error code.
import { createHash, createHmac } from "node:crypto";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigningInput {
  method: string;
  url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (names in any case). */
  headers?: Record<string, string>;
  body?: Buffer;
  credentials: S3Credentials;
  region?: string;
  service?: string;
  date?: Date;
}

/** The request headers to send: the given ones plus x-amz-date, x-amz-content-sha256 and Authorization. */
export function signV4(input: SigningInput): Record<string, string> {
  const region = input.region ?? "us-east-1";
  const service = input.service ?? "s3";
  const amzDate = (input.date ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = input.headers?.["x-amz-content-sha256"] ?? sha256(input.body ?? Buffer.alloc(0));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, " ");
  headers.host = input.url.host;
  headers["x-amz-date"] = amzDate;
  headers["x-amz-content-sha256"] = payloadHash;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    input.method,
    // S3 encodes each path segment once (other services encode twice).
    input.url.pathname.split("/").map((segment) => uriEncode(decodeURIComponent(segment))).join("/"),
    [...input.url.searchParams].map(([key, value]) => `${uriEncode(key)}=${uriEncode(value)}`).sort().join("&"),
    names.map((name) => `${name}:${headers[name]}\n`).join(""),
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key: Buffer = Buffer.from(`AWS4${input.credentials.secretAccessKey}`);
  for (const part of [day, region, service, "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
  };
}

export interface S3Response {
  status: number;
  /** The S3 error code of a refusal (e.g. AccessDenied), from the XML body. */
  code?: string;
  body: Buffer;
  text: string;
}

export class S3Client {
  /** `credentials` undefined: anonymous (unsigned) requests. */
  constructor(
    readonly endpoint: string,
    readonly credentials?: S3Credentials,
    readonly region = "us-east-1",
  ) {}

  createBucket(bucket: string): Promise<S3Response> {
    return this.request("PUT", `/${bucket}`);
  }

  putObject(bucket: string, key: string, body: string | Buffer): Promise<S3Response> {
    return this.request("PUT", `/${bucket}/${key}`, {}, Buffer.from(body));
  }

  getObject(bucket: string, key: string): Promise<S3Response> {
    return this.request("GET", `/${bucket}/${key}`);
  }

  headObject(bucket: string, key: string): Promise<S3Response> {
    return this.request("HEAD", `/${bucket}/${key}`);
  }

  deleteObject(bucket: string, key: string): Promise<S3Response> {
    return this.request("DELETE", `/${bucket}/${key}`);
  }

  /** ListObjectsV2; `keys` are the listed object keys. */
  async listObjects(bucket: string, prefix?: string): Promise<S3Response & { keys: string[] }> {
    const response = await this.request("GET", `/${bucket}`, { "list-type": "2", ...(prefix === undefined ? {} : { prefix }) });
    const keys = [...response.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1]!));
    return { ...response, keys };
  }

  private async request(method: string, path: string, query: Record<string, string> = {}, body?: Buffer): Promise<S3Response> {
    const url = new URL(path.split("/").map(uriEncode).join("/"), this.endpoint);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const headers = this.credentials ? signV4({ method, url, body, credentials: this.credentials, region: this.region }) : {};
    const response = await fetch(url, { method, headers, body: body && new Uint8Array(body) });
    const received = Buffer.from(await response.arrayBuffer());
    const text = received.toString("utf8");
    const code = response.ok ? undefined : (/<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? undefined);
    return { status: response.status, code, body: received, text };
  }
}

/** RFC 3986 percent-encoding of everything but unreserved characters, as SigV4 wants it. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function unescapeXml(value: string): string {
  return value.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
