"""Builds bench/heldout/data/*.csv from the CSV/JSON files shipped inside the vega_datasets and
statsmodels wheels (no download function is called). Usage:

    pip download --no-deps -d /tmp/heldout-wheels vega_datasets statsmodels
    mkdir -p /tmp/hw && for w in /tmp/heldout-wheels/*.whl; do unzip -q -o "$w" -d /tmp/hw; done
    python3 bench/heldout/prepare.py /tmp/hw

Standard library only. Subsamples are seeded, so the output is reproducible. See PROVENANCE.md.
"""
import csv
import datetime
import json
import math
import os
import random
import sys

root = sys.argv[1] if len(sys.argv) > 1 else '/tmp/hw'
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
os.makedirs(out, exist_ok=True)


def write(name, header, rows):
    with open(os.path.join(out, name + '.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)
    print(name, len(rows), 'rows')


def num(s):
    return float(s)


def fmt(x):
    return ('%.6g' % x) if isinstance(x, float) else x


# 1. seattle-weather: weather type (5 classes, imbalanced) from precipitation, temperatures, wind;
#    the date becomes the season as sin/cos of the day of year (a date string is not a feature).
with open(os.path.join(root, 'vega_datasets/_data/seattle-weather.csv')) as f:
    rows = []
    for r in csv.DictReader(f):
        y, m, d = (int(p) for p in r['date'].split('/'))
        doy = (366 if y % 4 == 0 else 365)

        day = datetime.date(y, m, d).timetuple().tm_yday
        a = 2 * math.pi * (day - 1) / doy
        rows.append([fmt(num(r['precipitation'])), fmt(num(r['temp_max'])), fmt(num(r['temp_min'])),
                     fmt(num(r['wind'])), fmt(math.sin(a)), fmt(math.cos(a)), r['weather']])
write('seattle-weather', ['precipitation', 'temp_max', 'temp_min', 'wind', 'season_sin', 'season_cos', 'weather'], rows)

# 2. cars: Origin (USA/Europe/Japan) from the numeric columns; rows with a missing value dropped,
#    the name dropped, Year ('1970-01-01') turned into the model year as a number.
with open(os.path.join(root, 'vega_datasets/_data/cars.json')) as f:
    cars = json.load(f)
cols = ['Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration']
rows = []
for c in cars:
    if any(c.get(k) is None for k in cols):
        continue
    rows.append([c[k] for k in cols] + [int(c['Year'][:4]), c['Origin']])
write('cars', cols + ['Year', 'Origin'], rows)

# 3. fair (affairs): binary "had an affair" (affairs > 0) from the 8 survey columns; a seeded
#    subsample of 2500 of the 6366 rows to keep training quick.
with open(os.path.join(root, 'statsmodels/datasets/fair/fair.csv')) as f:
    rd = csv.reader(f)
    header = next(rd)
    data = [r for r in rd]
random.Random(1978).shuffle(data)
data = data[:2500]
rows = [[fmt(num(v)) for v in r[:-1]] + [1 if num(r[-1]) > 0 else 0] for r in data]
write('fair-affairs', header[:-1] + ['had_affair'], rows)

# 4. anes96: 1996 presidential vote (0 Clinton, 1 Dole) from the survey columns; popul
#    (population of the respondent's place, in thousands) kept raw: large values.
with open(os.path.join(root, 'statsmodels/datasets/anes96/anes96.csv')) as f:
    rd = csv.reader(f, delimiter='\t')
    header = [h.strip("'") for h in next(rd)]
    data = [r for r in rd if r]
keep = ['popul', 'TVnews', 'selfLR', 'ClinLR', 'DoleLR', 'PID', 'age', 'educ', 'income', 'vote']
idx = [header.index(k) for k in keep]
rows = [[fmt(num(r[i])) for i in idx[:-1]] + [int(num(r[idx[-1]]))] for r in data]
write('anes96-vote', keep, rows)

# 5. modechoice: travel mode chosen (air/train/bus/car, 4 classes) per individual; the long
#    table (4 rows per individual) is turned wide: each mode's terminal time, in-vehicle cost and
#    time, generalized cost, plus household income and party size.
with open(os.path.join(root, 'statsmodels/datasets/modechoice/modechoice.csv')) as f:
    rd = csv.DictReader(f, delimiter=';')
    people = {}
    for r in rd:
        people.setdefault(r['individual'], []).append(r)
modes = ['air', 'train', 'bus', 'car']
header = [f'{k}_{m}' for m in modes for k in ('ttme', 'invc', 'invt', 'gc')] + ['hinc', 'psize', 'mode']
rows = []
for pid in sorted(people, key=int):
    rs = sorted(people[pid], key=lambda r: int(r['mode']))
    assert len(rs) == 4
    chosen = [modes[int(r['mode']) - 1] for r in rs if num(r['choice']) == 1]
    feats = [fmt(num(r[k])) for r in rs for k in ('ttme', 'invc', 'invt', 'gc')]
    rows.append(feats + [fmt(num(rs[0]['hinc'])), fmt(num(rs[0]['psize'])), chosen[0]])
write('modechoice', header, rows)

# 6. randhie: any doctor visit in the year (mdvis > 0) from the insurance plan and health
#    columns; very noisy; a seeded subsample of 2000 of the 20190 rows.
with open(os.path.join(root, 'statsmodels/datasets/randhie/randhie.csv')) as f:
    rd = csv.reader(f)
    header = next(rd)
    data = [r for r in rd]
random.Random(1974).shuffle(data)
rows = [[fmt(num(v)) for v in r[1:]] + [1 if num(r[0]) > 0 else 0] for r in data[:2000]]
write('randhie-visit', header[1:] + ['visited'], rows)
