/**
 * Electron's single-instance lock for the double: the first process holds a
 * lock file (its pid) and listens on a Unix socket beside it; a later process
 * that finds a live holder sends it its argv and working directory there and
 * is told it did not get the lock, as `app.requestSingleInstanceLock()` does.
 * A holder killed with SIGKILL leaves a stale file, which the next one takes over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname } from 'node:path';

type SecondInstance = (argv: string[], workingDirectory: string) => void;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function holderPid(lockFile: string): number | null {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function tellHolder(socketPath: string, message: object): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(socketPath, () => socket.end(JSON.stringify(message)));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

export function singleInstanceLock(base: string) {
  const lockFile = `${base}.lock`;
  const socketPath = `${base}.sock`;
  let server: Server | undefined;
  let delivered: Promise<void> = Promise.resolve();
  return {
    acquire(onSecondInstance: SecondInstance): boolean {
      mkdirSync(dirname(lockFile), { recursive: true });
      const holder = holderPid(lockFile);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        delivered = tellHolder(socketPath, { argv: process.argv, cwd: process.cwd() });
        return false;
      }
      writeFileSync(lockFile, String(process.pid));
      rmSync(socketPath, { force: true });
      server = createServer((socket) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => {
          const { argv, cwd } = JSON.parse(text) as { argv: string[]; cwd: string };
          onSecondInstance(argv, cwd);
        });
      }).listen(socketPath);
      return true;
    },
    /** Waits for a second instance's message to be delivered, or frees the lock. */
    async release(): Promise<void> {
      await delivered;
      if (!server) return;
      server.close();
      rmSync(lockFile, { force: true });
    },
  };
}
