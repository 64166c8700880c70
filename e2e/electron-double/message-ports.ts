/**
 * MessageChannelMain for the Electron double: two linked ports in main, and
 * the relay that carries one of them into a page when main transfers it with
 * `webContents.postMessage(channel, message, [port])`. In the page the
 * preload's `ipcRenderer.on` listener gets a real DOM MessagePort in
 * `event.ports`, whose messages cross to main through a Playwright binding and
 * back through `evaluate` (renderer-init.ts has the page's half).
 *
 * As Electron's: messages are structured-cloned, and a port queues what
 * arrives until `start()`; `close()` ends it for both sides.
 */
import { EventEmitter } from 'node:events';

export class MessagePortMain extends EventEmitter {
  private started = false;
  private closed = false;
  private readonly queued: unknown[] = [];
  /** The other end's way in: its peer port, or, once transferred, the page that holds it. */
  peer: ((data: unknown) => void) | undefined;

  postMessage(data: unknown) {
    if (this.closed) return;
    this.peer?.(structuredClone(data));
  }
  /** A message for this port from its other end. */
  receive(data: unknown) {
    if (this.closed) return;
    if (this.started) this.emit('message', { data, ports: [] });
    else this.queued.push(data);
  }
  /** What arrived before the port was started (or transferred), handed over once. */
  takeQueued(): unknown[] {
    return this.queued.splice(0);
  }
  start() {
    this.started = true;
    for (const data of this.queued.splice(0)) this.emit('message', { data, ports: [] });
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

export class MessageChannelMain {
  readonly port1 = new MessagePortMain();
  readonly port2 = new MessagePortMain();
  constructor() {
    this.port1.peer = (data) => this.port2.receive(data);
    this.port2.peer = (data) => this.port1.receive(data);
  }
}

/** Ports handed to pages, by the id the page's relay knows them by. */
const inPages = new Map<number, MessagePortMain>();
let nextPortId = 1;

/**
 * Moves `port` into a page: what its other end sends goes to `toPage(id, data)`; what the page
 * posts comes back through {@link fromPage}. Returns the id the page's relay uses.
 */
export function transferToPage(port: MessagePortMain, toPage: (id: number, data: unknown) => void): number {
  const id = nextPortId++;
  inPages.set(id, port);
  port.receive = (data) => toPage(id, data);
  // Posted before the transfer: the page's port gets them first, as Electron's would.
  for (const data of port.takeQueued()) toPage(id, data);
  return id;
}

/** A message the page posted on the port it holds as `id`: on to that port's other end. */
export function fromPage(id: number, data: unknown) {
  inPages.get(id)?.postMessage(data);
}
