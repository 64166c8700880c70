/**
 * Turning one WebSocket message from a page into a checked engine request,
 * or into the answer that refuses it. Sizes are checked first, from the
 * frame's length and its binary header's declared length alone (nothing is
 * parsed); then the frame is decoded (src-shared/wire.ts) and checked with
 * the shared protocol. Pure apart from the Buffer it reads, so the server's
 * thread and the request-reading worker run the same code.
 */
import {
  carriesDesign,
  MAX_REQUEST_HEADER_BYTES,
  MAX_TEXT_REQUEST_BYTES,
  parseEngineRequest,
  refusal,
  type EngineEvent,
  type EngineRequest,
} from '../../src-shared/protocol';
import { decodeMessage } from '../../src-shared/wire';

/** What became of a message: a request for the engine, or the event that answers it. */
export type ReadResult = { ok: true; request: EngineRequest } | { ok: false; answer: EngineEvent };

const MAGIC = [0x42, 0x46, 0x57, 0x31]; // "BFW1", src-shared/wire.ts

/** WebSocket close code for a message too big to take (RFC 6455 "message too big"). */
export const TOO_BIG = 1009;

/**
 * Why a message is too large to read, before parsing any of it (text:
 * its length; binary: the header length it declares), else null. The
 * caller closes the connection with {@link TOO_BIG} and this as the reason
 * (at most 123 bytes).
 */
export function sizeProblem(data: Uint8Array, isBinary: boolean): string | null {
  if (!isBinary) {
    return data.length > MAX_TEXT_REQUEST_BYTES
      ? `a text request may be at most ${mb(MAX_TEXT_REQUEST_BYTES)} (this one is ${mb(data.length)})`
      : null;
  }
  // Not a frame at all (too short, another magic): the decoder refuses it in words.
  if (data.length < 8 || !MAGIC.every((byte, i) => data[i] === byte)) return null;
  const headerLength = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(4, true);
  return headerLength > MAX_REQUEST_HEADER_BYTES
    ? `a binary request's header may be at most ${mb(MAX_REQUEST_HEADER_BYTES)} (this one declares ${mb(headerLength)})`
    : null;
}

/** Decodes and checks one message whose size {@link sizeProblem} accepted; never throws. */
export function readRequest(data: Uint8Array, isBinary: boolean): ReadResult {
  let message: unknown;
  try {
    message = isBinary ? decodeMessage(data) : JSON.parse(new TextDecoder().decode(data));
  } catch (error) {
    const why = error instanceof Error ? `: ${error.message}` : '';
    return badRequest(
      isBinary ? `a binary request must be a Backflow wire frame${why}` : 'a request must be JSON',
    );
  }
  const parsed = parseEngineRequest(message);
  if (!parsed.ok) return { ok: false, answer: refusal(message, parsed.error) };
  // The page's folder paths mean nothing on this machine, and a page must not make the
  // server read files it names: designs from the browser resolve no CSV paths (the page
  // sends a CSV's bytes instead, as `dataFile`).
  const value = parsed.value;
  const request: EngineRequest = carriesDesign(value) ? { ...value, designDir: null } : value;
  return { ok: true, request };
}

/** A refusal that names no request (the message could not be read as one). */
export function badRequest(message: string): ReadResult {
  return {
    ok: false,
    answer: { type: 'train.onError', runId: null, error: { type: 'badRequest', message } },
  };
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
