#!/usr/bin/env python3
"""Writes zarechny.osm: the made-up town of Заречный around its МФЦ, as OSM XML.

The project's own small extract (issue #23): a few streets, buildings with addresses, a park, a
river, an address point and a village numbered by its place, so the demo and the tests run the
same pipeline as a real region (vmeste-region build). The town is not real; it stands in fields
at 56.0 N, 37.0 E. Run again only to change the town; the .osm file is what is kept.
"""
import math
import sys

LAT0, LON0 = 56.0, 37.0
M_LAT = 111195.0
M_LON = M_LAT * math.cos(math.radians(LAT0))
CITY = "Заречный"

nodes, ways, relations = [], [], []
next_id = [1]


def node(x, y, tags=None):
    nid = next_id[0]
    next_id[0] += 1
    nodes.append((nid, LAT0 + y / M_LAT, LON0 + x / M_LON, tags or {}))
    return nid


def way(points, tags, closed=False):
    ids = [node(x, y) for x, y in points]
    if closed:
        ids.append(ids[0])
    wid = next_id[0]
    next_id[0] += 1
    ways.append((wid, ids, tags))
    return wid


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# Streets: (name, highway, from, to).
streets = [
    ("улица Ленина", "secondary", (-700, 0), (700, 0)),
    ("Зелёная улица", "residential", (-700, 160), (700, 160)),
    ("Садовая улица", "residential", (-700, -160), (700, -160)),
    ("Школьная улица", "residential", (-400, 320), (400, 320)),
    ("Набережная улица", "residential", (-700, -300), (700, -300)),
    ("проспект Мира", "primary", (0, -300), (0, 600)),
    ("Лесной переулок", "residential", (-350, -300), (-350, 320)),
    ("улица 8 Марта", "tertiary", (350, -300), (350, 320)),
    ("1-я Парковая улица", "service", (-560, 0), (-560, 160)),
]
for name, hw, a, b in streets:
    way([a, b], {"highway": hw, "name": name})

# The river south of the town, and its water.
way([(-900 + i * 200, -380 + 25 * math.sin(i)) for i in range(10)],
    {"waterway": "river", "name": "река Светлая"})
way([(-900, -420), (900, -420), (900, -345), (-900, -345)], {"natural": "water"}, closed=True)
# A park between Лесной переулок and проспект Мира, north of Зелёная.
way(rect(-330, 180, -20, 300), {"leisure": "park", "name": "парк Победы"}, closed=True)

# The МФЦ: on улица Ленина at проспект Мира, north side.
way(rect(20, 14, 90, 50), {"building": "public", "office": "government",
                           "name": "МФЦ «Мои документы»", "addr:street": "улица Ленина",
                           "addr:housenumber": "1", "addr:city": CITY}, closed=True)


def houses(street, y, x0, x1, first, side):
    """Buildings along an east-west street, numbered from the west: odd north, even south."""
    n = first
    x = x0
    while x + 24 <= x1:
        if not (street == "улица Ленина" and side > 0 and -10 < x < 100):
            y0, y1 = (y + 14, y + 32) if side > 0 else (y - 32, y - 14)
            number = str(n)
            if street == "улица Ленина" and n == 12:
                number = "12к1"
            if street == "Зелёная улица" and n == 7:
                number = "7А"
            way(rect(x, y0, x + 24, y1), {"building": "yes", "addr:street": street,
                                          "addr:housenumber": number, "addr:city": CITY},
                closed=True)
        n += 2
        x += 56


for street, y in [("улица Ленина", 0), ("Зелёная улица", 160), ("Садовая улица", -160)]:
    for side, first in [(1, 3), (-1, 2)]:
        houses(street, y, -660, 660, first, side)
houses("Школьная улица", 320, -380, 380, 1, 1)
houses("Набережная улица", -300, -660, 660, 1, 1)
# A school on Школьная without a number of its own road: a building of 8 Марта.
way(rect(370, 200, 430, 260), {"building": "school", "name": "Школа № 2",
                               "addr:street": "улица 8 Марта", "addr:housenumber": "14",
                               "addr:city": CITY}, closed=True)
# A block of flats round a courtyard: a multipolygon relation (outer and inner ring), as many
# real buildings are mapped.
outer = way(rect(-660, 200, -560, 290), {}, closed=True)
inner = way(rect(-635, 220, -585, 270), {}, closed=True)
relations.append((next_id[0], [(outer, "outer"), (inner, "inner")],
                  {"type": "multipolygon", "building": "apartments",
                   "addr:street": "Зелёная улица", "addr:housenumber": "1", "addr:city": CITY}))
next_id[0] += 1
# An address point: a shop's entrance, no building drawn.
node(-200, -140, {"shop": "convenience", "name": "Продукты", "addr:street": "Садовая улица",
                  "addr:housenumber": "15а", "addr:city": CITY})
# The village of Ивановка, 1 km east: numbered by its place, no street names.
for i in range(1, 7):
    way(rect(1100 + i * 40, -40, 1120 + i * 40, -20),
        {"building": "house", "addr:place": "деревня Ивановка", "addr:housenumber": str(i)},
        closed=True)
node(1240, 10, {"place": "hamlet", "name": "деревня Ивановка"})
node(0, 200, {"place": "town", "name": CITY})


def esc(s):
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;")


out = sys.stdout
out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
out.write('<osm version="0.6" generator="vmeste make_demo_osm.py">\n')
out.write('  <bounds minlat="%.7f" minlon="%.7f" maxlat="%.7f" maxlon="%.7f"/>\n' %
          (LAT0 - 900 / M_LAT, LON0 - 1200 / M_LON, LAT0 + 900 / M_LAT, LON0 + 1600 / M_LON))
for nid, lat, lon, tags in nodes:
    attrs = 'id="%d" version="1" timestamp="2026-12-01T00:00:00Z" lat="%.7f" lon="%.7f"' % (
        nid, lat, lon)
    if tags:
        out.write("  <node %s>\n" % attrs)
        for k, v in tags.items():
            out.write('    <tag k="%s" v="%s"/>\n' % (esc(k), esc(v)))
        out.write("  </node>\n")
    else:
        out.write("  <node %s/>\n" % attrs)
for wid, ids, tags in ways:
    out.write('  <way id="%d" version="1" timestamp="2026-12-01T00:00:00Z">\n' % wid)
    for i in ids:
        out.write('    <nd ref="%d"/>\n' % i)
    for k, v in tags.items():
        out.write('    <tag k="%s" v="%s"/>\n' % (esc(k), esc(v)))
    out.write("  </way>\n")
for rid, members, tags in relations:
    out.write('  <relation id="%d" version="1" timestamp="2026-12-01T00:00:00Z">\n' % rid)
    for ref, role in members:
        out.write('    <member type="way" ref="%d" role="%s"/>\n' % (ref, role))
    for k, v in tags.items():
        out.write('    <tag k="%s" v="%s"/>\n' % (esc(k), esc(v)))
    out.write("  </relation>\n")
out.write("</osm>\n")
