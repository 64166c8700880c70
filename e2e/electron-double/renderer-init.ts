/**
 * What runs in each window's page before its own scripts: the renderer half
 * of the double (contextBridge, ipcRenderer, webUtils) and then the built
 * preload, unchanged, as Electron runs a sandboxed preload: CommonJS whose
 * only `require` is `electron`. Its IPC goes through a Playwright binding to
 * main.ts; main's `webContents.send` arrives through `__electronDoubleDeliver`.
 * Without context isolation the bridge's object lands in the page's own
 * world: frozen, so the page cannot change it, as with contextBridge.
 */
export function rendererInitScript(preloadSource: string): string {
  return `(() => {
  const relay = window.__electronDoubleIpc;
  const listeners = new Map();
  const refuse = (name) => { throw new Error('electron double (renderer): ' + name + ' is not implemented'); };
  const strict = (name, target) => new Proxy(target, {
    get: (object, key) => (typeof key === 'symbol' || key in object ? object[key] : refuse(name + '.' + String(key))),
  });
  const ipcRenderer = strict('ipcRenderer', {
    send: (channel, ...args) => void relay('send', channel, args),
    invoke: (channel, ...args) => relay('invoke', channel, args),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  });
  // webContents.postMessage with ports: each arrives as a MessagePort whose partner is relayed to main.
  const relays = new Map();
  Object.defineProperty(window, '__electronDoublePostMessage', {
    value: (channel, message, ids) => {
      const ports = ids.map((id) => {
        const { port1, port2 } = new MessageChannel();
        relays.set(id, port1);
        port1.onmessage = (event) => void window.__electronDoublePort(id, event.data);
        return port2;
      });
      for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: ipcRenderer, ports }, message);
    },
  });
  Object.defineProperty(window, '__electronDoublePortDeliver', {
    value: (id, data) => relays.get(id)?.postMessage(data),
  });
  Object.defineProperty(window, '__electronDoubleDeliver', {
    value: (channel, args) => {
      for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: ipcRenderer }, ...args);
    },
  });
  const freeze = (value) => {
    if (value && typeof value === 'object' && !Object.isFrozen(value)) {
      Object.freeze(value);
      Object.values(value).forEach(freeze);
    }
    return value;
  };
  const contextBridge = strict('contextBridge', {
    exposeInMainWorld(key, api) {
      if (Object.hasOwn(window, key)) throw new Error('Cannot bind an API on top of an existing property on the window object');
      Object.defineProperty(window, key, { value: freeze(api), enumerable: true });
    },
  });
  // A page-made File has no path in Electron either; real drops are not simulated.
  const webUtils = strict('webUtils', { getPathForFile: () => '' });
  const electron = strict('electron', { contextBridge, ipcRenderer, webUtils });
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error('a sandboxed preload can require only electron, not ' + name);
  };
  const module = { exports: {} };
  const process = { platform: ${JSON.stringify(process.platform)}, env: {} };
  (function (require, module, exports, process) {
${preloadSource}
  })(require, module, module.exports, process);
})();`;
}
