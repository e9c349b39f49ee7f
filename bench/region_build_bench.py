#!/usr/bin/env python3
"""Pack build time and size per 100,000 addresses (issue #23): a made-up town of N addresses
written as OSM XML (streets 150 m apart, a building with an address every 24 m on both sides),
converted to PBF with osmium-tool when it is there, then built by vmeste-region as a
technician would. Prints the time of each part and the pack's size, per 100,000 addresses.
Baseline in the same run: tilemaker alone on the same extract (the map without addresses).

  bench/region_build_bench.py build/release/tools/region/vmeste-region [ADDRESSES]
"""
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

tool = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
lat0, lon0 = 55.0, 38.0
m_lat = 111195.0
m_lon = m_lat * math.cos(math.radians(lat0))
per_street = 100  # 50 a side
streets = max(1, n // per_street)
cols = int(math.ceil(math.sqrt(streets)))
street_len = per_street // 2 * 24
work = tempfile.mkdtemp(prefix="vmeste-region-bench-")
osm = os.path.join(work, "town.osm")
nid = [1]


def new_id():
    nid[0] += 1
    return nid[0]


t0 = time.time()
with open(osm, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="bench">\n')
    ways = []
    for s in range(streets):
        ox = (s % cols) * (street_len + 60)
        oy = (s // cols) * 150
        a, b = new_id(), new_id()
        for i, (x, y) in ((a, (ox, oy)), (b, (ox + street_len, oy))):
            f.write('<node id="%d" lat="%.7f" lon="%.7f"/>\n' % (i, lat0 + y / m_lat, lon0 + x / m_lon))
        ways.append(([a, b], {"highway": "residential", "name": "улица Номер %d" % s}))
        for h in range(per_street):
            side = 1 if h % 2 else -1
            x = ox + (h // 2) * 24
            y0 = oy + side * 12
            y1 = oy + side * 30
            ids = []
            for (px, py) in ((x, y0), (x + 16, y0), (x + 16, y1), (x, y1)):
                i = new_id()
                ids.append(i)
                f.write('<node id="%d" lat="%.7f" lon="%.7f"/>\n' % (i, lat0 + py / m_lat, lon0 + px / m_lon))
            ways.append((ids + [ids[0]], {"building": "yes", "addr:street": "улица Номер %d" % s,
                                          "addr:housenumber": str(h + 1)}))
    for nodes, tags in ways:
        wid = new_id()
        f.write('<way id="%d">' % wid + "".join('<nd ref="%d"/>' % i for i in nodes) +
                "".join('<tag k="%s" v="%s"/>' % kv for kv in tags.items()) + "</way>\n")
    f.write("</osm>\n")
t_gen = time.time() - t0
src = osm
if shutil.which("osmium"):
    src = os.path.join(work, "town.osm.pbf")
    subprocess.run(["osmium", "cat", "-o", src, osm], check=True)
size_in = os.path.getsize(src)
pack = os.path.join(work, "town.mbtiles")
t0 = time.time()
out = subprocess.run([tool, "build", src, pack, "--name", "bench", "--version", "1",
                      "--city", "Город"], capture_output=True, text=True)
t_build = time.time() - t0
if out.returncode != 0:
    print(out.stderr)
    sys.exit(1)
size = os.path.getsize(pack)
cfg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "region", "tilemaker")
t0 = time.time()
subprocess.run(["tilemaker", "--input", src, "--output", os.path.join(work, "tiles.mbtiles"),
                "--config", os.path.join(cfg, "config.json"), "--process",
                os.path.join(cfg, "process.lua")], capture_output=True, check=True)
t_tiles = time.time() - t0
tiles_size = os.path.getsize(os.path.join(work, "tiles.mbtiles"))
k = 100000.0 / n
print(out.stdout.strip())
print("extract: %d addresses, %d streets, %.1f MiB (%s); written in %.1f s" %
      (n, streets, size_in / 1048576, os.path.basename(src), t_gen))
print("pack build: %.1f s, %.1f MiB — per 100,000 addresses: %.1f s, %.1f MiB" %
      (t_build, size / 1048576, t_build * k, size / 1048576 * k))
print("baseline, tilemaker alone: %.1f s, %.1f MiB — the addresses add %.1f s, %.1f MiB per 100,000" %
      (t_tiles, tiles_size / 1048576, (t_build - t_tiles) * k, (size - tiles_size) / 1048576 * k))
shutil.rmtree(work)
