// The outside view: TCP connects from the controller itself (node sockets), as the internet would try them.
import { connect } from 'node:net';
import type { PortState } from './audit-types.js';

/** open = connected, closed = refused, filtered = no answer within `timeoutMs` or no route. */
export function probeFromController(address: string, port: number, timeoutMs: number): Promise<PortState> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    let isSettled = false;
    const done = (state: PortState) => {
      if (isSettled) return;
      isSettled = true;
      socket.destroy();
      resolve(state);
    };
    socket.setTimeout(timeoutMs, () => done('filtered'));
    socket.once('connect', () => done('open'));
    // `on`, not `once`: a peer may reset the connection after the first error, and an unheard error would crash us.
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'closed' : 'filtered'));
  });
}
