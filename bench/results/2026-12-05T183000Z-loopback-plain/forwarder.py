import asyncio
async def pipe(r, w):
    try:
        while (d := await r.read(65536)):
            w.write(d); await w.drain()
    finally:
        w.close()
async def handle(r, w):
    ur, uw = await asyncio.open_connection('192.0.2.2', 5433)
    await asyncio.gather(pipe(r, uw), pipe(ur, w), return_exceptions=True)
async def main():
    s = await asyncio.start_server(handle, '127.0.0.1', 15433)
    async with s: await s.serve_forever()
asyncio.run(main())
