/**
 * What the server holds for one socket while the client reads slowly. The
 * engine keeps producing telemetry whatever the network does, so memory must
 * stay bounded: past a limit the oldest telemetry frames are dropped (and the
 * client told how many), while control events (started, state, epoch, errors,
 * divergence) are always delivered, in order.
 */
import { encodeMessage, type WireFrame } from '../../src-shared/wire';

/** Where frames go: in practice a `ws` WebSocket. */
export interface FrameSink {
  send(frame: WireFrame): void;
  /** Bytes accepted by send() but not yet written to the network. */
  readonly bufferedAmount: number;
}

/** Sent before the surviving telemetry when some was dropped for a slow client. */
export interface TelemetryDroppedEvent {
  type: 'engine.onTelemetryDropped';
  /** Telemetry events dropped since the previous report. */
  count: number;
}

export interface OutboundQueueLimits {
  /** Stop handing frames to the socket while it holds this many unsent bytes. */
  highWaterBytes: number;
  /** Telemetry frames kept waiting at most; older ones are dropped first. */
  maxQueuedTelemetry: number;
  /** Telemetry bytes kept waiting at most. */
  maxQueuedTelemetryBytes: number;
  /** How often to look again at a full socket. */
  retryMs: number;
}

export const DEFAULT_QUEUE_LIMITS: OutboundQueueLimits = {
  highWaterBytes: 1 << 20,
  maxQueuedTelemetry: 512,
  maxQueuedTelemetryBytes: 16 << 20,
  retryMs: 20,
};

/** Events that may be dropped for a slow client: a newer one supersedes them on screen. */
const TELEMETRY_TYPES = new Set(['train.onStep', 'train.onBoundary']);

interface Item {
  frame: WireFrame;
  telemetry: boolean;
  bytes: number;
}

export interface OutboundQueue {
  /** Encodes and queues one event, sending at once when the socket has room. */
  push<E extends { type: string }>(event: E): void;
  /** Telemetry events dropped so far (all reports included). */
  readonly dropped: number;
  /** Events waiting. */
  readonly length: number;
  dispose(): void;
}

export function createOutboundQueue(
  sink: FrameSink,
  limits: OutboundQueueLimits = DEFAULT_QUEUE_LIMITS,
): OutboundQueue {
  const items: Item[] = [];
  let telemetryCount = 0;
  let telemetryBytes = 0;
  let dropped = 0;
  let unreported = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const remove = (index: number) => {
    const [item] = items.splice(index, 1);
    if (item.telemetry) {
      telemetryCount--;
      telemetryBytes -= item.bytes;
    }
    return item;
  };

  const flush = () => {
    timer = undefined;
    if (disposed) return;
    while (items.length > 0 && sink.bufferedAmount < limits.highWaterBytes) {
      if (unreported > 0) {
        const report: TelemetryDroppedEvent = { type: 'engine.onTelemetryDropped', count: unreported };
        unreported = 0;
        sink.send(encodeMessage(report));
        continue;
      }
      sink.send(remove(0).frame);
    }
    if (items.length > 0) timer = setTimeout(flush, limits.retryMs);
  };

  return {
    push(event) {
      if (disposed) return;
      const frame = encodeMessage(event);
      const telemetry = TELEMETRY_TYPES.has(event.type);
      const bytes = typeof frame === 'string' ? frame.length * 2 : frame.byteLength;
      items.push({ frame, telemetry, bytes });
      if (telemetry) {
        telemetryCount++;
        telemetryBytes += bytes;
        while (
          telemetryCount > limits.maxQueuedTelemetry ||
          (telemetryBytes > limits.maxQueuedTelemetryBytes && telemetryCount > 1)
        ) {
          remove(items.findIndex((item) => item.telemetry));
          dropped++;
          unreported++;
        }
      }
      if (timer === undefined) flush();
    },
    get dropped() {
      return dropped;
    },
    get length() {
      return items.length;
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      items.length = 0;
    },
  };
}
