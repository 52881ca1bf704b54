#!/usr/bin/env python3
"""A small TCP proxy for bench/replicas.sh (standard library only).

  proxy.py LISTEN_PORT_FILE UPSTREAM [UPSTREAM ...]

Listens on 127.0.0.1 (a free port, written to LISTEN_PORT_FILE) and hands
each client connection to the next upstream (host:port) in turn, skipping
one that refuses the connection: what a load balancer in front of two
replicas does, at the connection level (keep-alive connections stay on
the replica they started on). Stops on SIGTERM.
"""

import asyncio
import itertools
import signal
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(port_file, upstreams):
    turn = itertools.cycle(upstreams)

    async def handle(client_reader, client_writer):
        for _ in upstreams:
            host, port = next(turn).rsplit(":", 1)
            try:
                up_reader, up_writer = await asyncio.open_connection(host, int(port))
                break
            except OSError:
                continue
        else:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, up_writer), pipe(up_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    with open(port_file, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
