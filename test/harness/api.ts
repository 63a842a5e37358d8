// A minimal JSON client for the API server, for checks that would take one
// kubectl process each (hundreds of SubjectAccessReviews, readiness polls).
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export type Headers = Record<string, string | string[]>;

export class ApiClient {
  private agent: Agent | undefined;

  constructor(
    readonly server: string,
    private readonly token: string,
    /** CA bundle of the serving certificate; read lazily because the API server writes it at start. */
    private readonly caFile: string,
  ) {}

  get<T>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string, body: unknown, headers?: Headers): Promise<ApiResponse<T>> {
    return this.request<T>("POST", path, body, headers);
  }

  /** `headers` may add e.g. Impersonate-User (the admin token may impersonate anyone). */
  request<T>(method: string, path: string, body?: unknown, headers: Headers = {}): Promise<ApiResponse<T>> {
    this.agent ??= new Agent({ ca: readFileSync(this.caFile), keepAlive: true, maxSockets: 8 });
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.server),
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: "application/json",
            ...(payload ? { "content-type": "application/json" } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: parseBody(text) as T }));
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
