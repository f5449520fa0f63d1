/**
 * Client sockets read into one shared buffer instead of a fresh one per read.
 *
 * Why: a Node socket allocates a new ArrayBuffer (up to 64 KB) for every read. At produce rates of
 * 100+ MB/s that is thousands of short-lived external allocations a second, and V8 answers external
 * memory growth with full garbage collections: a quarter of the broker's CPU under a large produce
 * went to them. Node's `onread` option reads into a buffer the application supplies, so nothing is
 * allocated per read; the Connection copies every frame out before the callback returns (reads run
 * on the event loop, one callback at a time, so one buffer serves every socket).
 *
 * Node offers `onread` only to sockets the application constructs, not to those a net.Server
 * accepts. So the server accepts paused, and the accepted socket's handle moves into a new Socket
 * built with `onread` (the handle and the server's connection count are Node internals: `_handle`,
 * `_server`). Should they ever be missing, the accepted socket is used as it is, with 'data' events.
 */
import { Socket } from 'node:net';

const SHARED_READ_BYTES = 256 * 1024;
const sharedReadBuffer = Buffer.allocUnsafeSlow(SHARED_READ_BYTES);

/** How accepted sockets were set up (diagnostics and tests). */
export const socketReadStats = { sharedReads: 0, dataEvents: 0 };

/** Called with each chunk read; the chunk is only valid during the call. Return false to stop reading. */
export type ReadCallback = (chunk: Buffer) => boolean;

interface AcceptedInternals {
  _handle?: { readStart?: unknown } | null;
  _server?: unknown;
  server?: unknown;
}

/**
 * A socket for an accepted connection (from a server created with `pauseOnConnect: true`) whose
 * reads go to `onRead` through the shared buffer and have started; else the accepted socket itself,
 * still paused: the caller listens to its 'data' events and resumes it.
 */
export function withSharedReads(accepted: Socket, onRead: ReadCallback): { socket: Socket; usesCallback: boolean } {
  const internals = accepted as unknown as AcceptedInternals;
  const handle = internals._handle;
  if (!handle || typeof handle.readStart !== 'function' || !('_server' in internals)) {
    socketReadStats.dataEvents++;
    return { socket: accepted, usesCallback: false };
  }
  socketReadStats.sharedReads++;
  const server = internals._server;
  internals._handle = null;
  internals._server = null;
  const socket = new Socket({
    handle,
    readable: true,
    writable: true,
    onread: { buffer: sharedReadBuffer, callback: (n: number, buf: Uint8Array) => onRead((buf as Buffer).subarray(0, n)) },
  } as ConstructorParameters<typeof Socket>[0]);
  // Closing the new socket must count down the server's connections, or server.close() never returns.
  const moved = socket as unknown as AcceptedInternals;
  moved._server = server;
  moved.server = server;
  return { socket, usesCallback: true };
}
