/**
 * String limits in the unit the platform documents. A limit "in characters" counts Unicode code
 * points, as JSON Schema's `maxLength` does (an emoji is one character, not two UTF-16 units); a limit
 * in bytes counts UTF-8. Check failures report "got N" in the same unit, never the value itself.
 */
import { z } from "zod";

export const codePoints = (s: string): number => [...s].length;
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, "utf8");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A string of `min` to `max` characters (code points). The JSON Schema keeps `minLength`/`maxLength`. */
export const chars = (min: number, max: number) =>
  (min > 0 ? z.string().min(min) : z.string())
    .refine((v) => codePoints(v) <= max, {
      error: (iss) => `must have at most ${plural(max, "character")} (got ${codePoints(String(iss.input))})`,
    })
    .meta({ maxLength: max });

/** A string of at most `limit` bytes of UTF-8 (`label` says it the way the API documentation does, e.g. "1 MiB"). */
export const maxBytes = (limit: number, label: string) =>
  z.string().refine((s) => utf8Bytes(s) <= limit, {
    error: (iss) => `must be at most ${label} (${limit} bytes of UTF-8; got ${utf8Bytes(String(iss.input))} bytes)`,
  });
