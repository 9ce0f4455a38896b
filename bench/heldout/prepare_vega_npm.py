"""Builds bench/heldout/data/penguins.csv and weather-location.csv from the data files shipped inside
the vega-datasets npm package (no download function is called). Usage:

    cd /tmp && npm pack vega-datasets@3.2.1 && tar xzf vega-datasets-3.2.1.tgz
    python3 bench/heldout/prepare_vega_npm.py /tmp/package/data

Standard library only, no subsampling, so the output is reproducible. See PROVENANCE.md.
"""
import csv
import datetime
import json
import math
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else '/tmp/package/data'
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')


def write(name, header, rows):
    with open(os.path.join(out, name + '.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)
    print(name, len(rows), 'rows')


def fmt(x):
    return ('%.6g' % x) if isinstance(x, float) else x


# 1. penguins: species (3 classes) from the four body measurements and sex (1 = male); rows with a
#    missing value (or sex ".") dropped; the island is left out (it nearly names the species).
with open(os.path.join(root, 'penguins.json')) as f:
    penguins = json.load(f)
cols = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)']
rows = []
for p in penguins:
    if any(p.get(k) is None for k in cols) or p.get('Sex') not in ('MALE', 'FEMALE'):
        continue
    rows.append([fmt(float(p[k])) for k in cols] + [1 if p['Sex'] == 'MALE' else 0, p['Species']])
write('penguins', ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g', 'male', 'species'], rows)

# 2. weather-location: which city (Seattle or New York) a day's weather was recorded in, from
#    precipitation, temperatures, wind and the season (sin/cos of the day of the year).
with open(os.path.join(root, 'weather.csv')) as f:
    rows = []
    for r in csv.DictReader(f):
        y, m, d = (int(p) for p in r['date'].split('-'))
        doy = 366 if y % 4 == 0 else 365
        a = 2 * math.pi * (datetime.date(y, m, d).timetuple().tm_yday - 1) / doy
        rows.append([fmt(float(r['precipitation'])), fmt(float(r['temp_max'])), fmt(float(r['temp_min'])),
                     fmt(float(r['wind'])), fmt(math.sin(a)), fmt(math.cos(a)), r['location']])
write('weather-location', ['precipitation', 'temp_max', 'temp_min', 'wind', 'season_sin', 'season_cos', 'location'], rows)
