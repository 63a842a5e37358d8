// Health endpoints of daemons the harness started on loopback.
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";

/**
 * Status code of GET url, or undefined if nothing answers. HTTPS endpoints
 * here are our own daemons on 127.0.0.1 with self-signed certificates, so the
 * certificate is not checked.
 */
export function probe(url: string, timeoutMs = 2_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const request = get(url, { rejectUnauthorized: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(undefined));
  });
}

/** For waitUntil: true once url answers 200. */
export async function healthy(url: string): Promise<true | undefined> {
  return (await probe(url)) === 200 ? true : undefined;
}
