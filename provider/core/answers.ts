/**
 * Answers are verified before they become state. Every 2xx body a resource relies on is checked
 * against a response schema (zod: tolerant of members it does not know, strict on what it reads, the
 * id required where the API documents one). An answer that fails is an `AnswerError`, never success.
 *
 * Also the one place that decides whether a failed call may have changed something on the platform
 * (`mayHaveActed`): a write whose answer was lost or unreadable is not the same as a write refused.
 */
import { z } from "zod";
import { ApiError, TransportError, redact } from "../http/errors";
import { formatPath } from "./check";

/** How much of an unreadable answer an error quotes. */
export const EXCERPT_CHARS = 160;

/** A 2xx answer the provider cannot rely on: not JSON, cut short, empty, or missing what it reads. */
export class AnswerError extends Error {
  readonly code = "PULUMI_AGENTS_UNREADABLE_ANSWER";
  constructor(
    readonly platform: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** What is wrong with the answer, e.g. `id: is required`. */
    readonly problem: string,
    /** The start of the answer, with the request's secrets redacted. */
    readonly excerpt: string,
  ) {
    super(
      `${platform}: ${method} ${path} answered ${status} with ${problem}` +
        (excerpt ? `: ${excerpt}` : "") +
        (method === "GET" ? "" : ". The server may have acted on the request"),
    );
    this.name = "AnswerError";
  }
  /** A write whose answer cannot be read may have been applied. */
  get mayHaveActed(): boolean {
    return this.method !== "GET";
  }
}

/**
 * The start of a body, as text, with every secret in play redacted, also the start of one that a
 * body cut short ends with.
 */
export function excerptOf(body: unknown, secrets: ReadonlyArray<string>): string {
  let text = redact(typeof body === "string" ? body : body === undefined ? "" : (JSON.stringify(body) ?? ""), secrets);
  for (const x of secrets) {
    for (let k = x.length - 1; k >= 3; k--) {
      if (text.endsWith(x.slice(0, k))) {
        text = `${text.slice(0, text.length - k)}[secret]`;
        break;
      }
    }
  }
  const cps = [...text];
  return cps.length <= EXCERPT_CHARS ? cps.join("") : `${cps.slice(0, EXCERPT_CHARS).join("")}… (${cps.length} characters)`;
}

/** The first thing wrong with a body as the schema reads it, in words. */
function problemOf(body: unknown, error: z.ZodError): string {
  if (body === undefined || body === "") return "an empty body";
  if (typeof body === "string") {
    const t = body.trimStart();
    if (/^<(!doctype|html|head|body)\b/i.test(t)) return "an HTML page instead of JSON";
    if (/^[[{]/.test(t)) return "JSON that is cut short or malformed";
    return "text instead of JSON";
  }
  const issue = error.issues[0];
  const at = formatPath(issue.path) || "the body";
  if (issue.code === "invalid_type" && issue.input === undefined) return `no ${at}`;
  return `an unexpected ${at} (${issue.code === "invalid_type" ? `expected ${issue.expected}` : issue.message})`;
}

/**
 * The body of a 2xx answer, checked against `schema`; throws `AnswerError` when it does not fit.
 * `secrets` are redacted from the excerpt the error quotes.
 */
export function verifyAnswer<T>(
  schema: z.ZodType<T>,
  where: { platform: string; method: string; path: string; status: number },
  body: unknown,
  secrets: ReadonlyArray<string>,
): T {
  const r = schema.safeParse(body);
  if (r.success) return body as T; // the body as sent: unknown members kept for the resource to read
  throw new AnswerError(where.platform, where.method, where.path, where.status, problemOf(body, r.error), excerptOf(body, secrets));
}

/**
 * Whether the platform may have carried out a request that failed: the answer was lost (reset,
 * timeout, a body cut short), unreadable, or a 5xx that can follow a commit. A 4xx, and a connection
 * that was never made, mean nothing happened.
 */
export function mayHaveActed(e: unknown): boolean {
  if (e instanceof AnswerError) return e.mayHaveActed;
  if (e instanceof TransportError) {
    const flag = (e as TransportError & { mayHaveActed?: boolean }).mayHaveActed;
    return flag ?? !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ERR_INVALID_URL|cannot reach/.test(e.message);
  }
  if (e instanceof ApiError) return e.status >= 500;
  return false;
}

/* ---------- schema helpers for response bodies ---------- */

/** A non-empty id string. */
export const id = z.string().min(1);
/** A JSON object that may hold more members than the schema reads. */
export const loose = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);
/** A member that may be absent or null. */
export const maybe = <S extends z.ZodType>(s: S) => s.nullish();
